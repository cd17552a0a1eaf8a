/** Whether the device has a network, and a signal when that changes. */
export interface NetworkMonitor {
  isOnline(): boolean;
  /** Calls `listener(online)` on every change; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** The browser's `online`/`offline` events; in Node (no `window`) always online. */
export function defaultNetwork(): NetworkMonitor {
  const w = (globalThis as { window?: Window }).window;
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  if (!w || typeof w.addEventListener !== 'function') {
    return { isOnline: () => true, subscribe: () => () => {} };
  }
  return {
    isOnline: () => nav?.onLine !== false,
    subscribe(listener) {
      const on = () => listener(true);
      const off = () => listener(false);
      w.addEventListener('online', on);
      w.addEventListener('offline', off);
      return () => {
        w.removeEventListener('online', on);
        w.removeEventListener('offline', off);
      };
    },
  };
}

/** A switch for tests and Node apps that know better than the platform. */
export class ManualNetwork implements NetworkMonitor {
  private online = true;
  private readonly listeners = new Set<(online: boolean) => void>();
  isOnline(): boolean {
    return this.online;
  }
  set(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    for (const l of [...this.listeners]) l(online);
  }
  subscribe(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
