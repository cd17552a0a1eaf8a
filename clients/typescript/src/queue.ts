import type { KeyValueStorage } from './storage.js';

/** A job action waiting for the server's reply; persisted until that reply arrives. */
export type QueuedAction =
  | { kind: 'start_job'; key: string; jobType: string; input?: Record<string, unknown>; queuedAt: number }
  | { kind: 'cancel_job'; key: string; jobId: string; queuedAt: number };

/** Thrown when the queue already holds `capacity` actions: the caller decides, nothing is dropped. */
export class QueueFullError extends Error {
  constructor(readonly capacity: number) {
    super(`offline queue is full (${capacity} actions waiting)`);
    this.name = 'QueueFullError';
  }
}

/**
 * Bounded FIFO of actions, written through to `storage` on every change so a page reload keeps
 * it. Entries are keyed by their idempotency key: the same key is never queued twice.
 */
export class OfflineQueue {
  private entries: QueuedAction[];

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly storageKey: string,
    readonly capacity: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError('queue capacity must be at least 1');
    this.entries = OfflineQueue.load(storage, storageKey);
  }

  private static load(storage: KeyValueStorage, key: string): QueuedAction[] {
    const text = storage.getItem(key);
    if (!text) return [];
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed.filter(OfflineQueue.isAction) : [];
    } catch {
      return []; // unreadable (hand-edited, truncated): start empty rather than fail the app
    }
  }

  private static isAction(v: unknown): v is QueuedAction {
    const a = v as QueuedAction;
    return (
      typeof a === 'object' && a !== null && typeof a.key === 'string' &&
      (a.kind === 'start_job' ? typeof a.jobType === 'string' : a.kind === 'cancel_job' && typeof a.jobId === 'string')
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /** The waiting actions, oldest first. */
  all(): readonly QueuedAction[] {
    return [...this.entries];
  }

  has(key: string): boolean {
    return this.entries.some((e) => e.key === key);
  }

  /** Appends `action` unless its key is already queued; throws QueueFullError when full. */
  add(action: QueuedAction): void {
    if (this.has(action.key)) return;
    if (this.entries.length >= this.capacity) throw new QueueFullError(this.capacity);
    this.entries.push(action);
    this.save();
  }

  /** Removes the action with `key` (its reply arrived); true if it was there. */
  remove(key: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.key !== key);
    if (this.entries.length === before) return false;
    this.save();
    return true;
  }

  private save(): void {
    if (this.entries.length === 0) this.storage.removeItem(this.storageKey);
    else this.storage.setItem(this.storageKey, JSON.stringify(this.entries));
  }
}
