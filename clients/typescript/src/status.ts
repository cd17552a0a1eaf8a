/** The client's connection states. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

/** What the client knows about its connection; a new object on every change. */
export interface ConnectionStatus {
  state: ConnectionState;
  /** Reconnect attempts since the connection was last open. */
  attempt: number;
  /** Close code of the last connection that ended (WebSocket or protocol code), if any. */
  lastCloseCode: number | null;
  lastCloseReason: string | null;
  /** When the next connection attempt starts (epoch ms), while `reconnecting` and waiting. */
  nextRetryAt: number | null;
  /** Why the client stopped, once `closed`. */
  closedReason: string | null;
}

const ALLOWED: Record<ConnectionState, readonly ConnectionState[]> = {
  connecting: ['open', 'reconnecting', 'offline', 'closed'],
  open: ['reconnecting', 'offline', 'closed'],
  reconnecting: ['open', 'reconnecting', 'offline', 'closed'],
  offline: ['reconnecting', 'closed'],
  closed: ['connecting'],
};

/** An observable state machine: refuses transitions the client must never make. */
export class StatusMachine {
  private current: ConnectionStatus = {
    state: 'connecting',
    attempt: 0,
    lastCloseCode: null,
    lastCloseReason: null,
    nextRetryAt: null,
    closedReason: null,
  };
  private readonly listeners = new Set<(status: ConnectionStatus) => void>();

  get status(): ConnectionStatus {
    return this.current;
  }

  get state(): ConnectionState {
    return this.current.state;
  }

  /** Moves to `to` (and applies `patch`), telling every subscriber; throws on a forbidden move. */
  transition(to: ConnectionState, patch: Partial<Omit<ConnectionStatus, 'state'>> = {}): void {
    if (!ALLOWED[this.current.state].includes(to)) {
      throw new Error(`illegal connection state change ${this.current.state} -> ${to}`);
    }
    this.set({ ...this.current, nextRetryAt: null, ...patch, state: to });
  }

  /** Changes fields without changing the state (e.g. the last close code). */
  update(patch: Partial<Omit<ConnectionStatus, 'state'>>): void {
    this.set({ ...this.current, ...patch });
  }

  subscribe(listener: (status: ConnectionStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  private set(next: ConnectionStatus): void {
    this.current = Object.freeze(next);
    for (const listener of [...this.listeners]) listener(this.current);
  }
}
