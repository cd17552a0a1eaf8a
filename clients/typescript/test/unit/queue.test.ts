import { describe, expect, it } from 'vitest';
import { OfflineQueue, QueueFullError, type QueuedAction } from '../../src/queue.js';
import { MemoryStorage } from '../../src/storage.js';

const start = (key: string): QueuedAction => ({ kind: 'start_job', key, jobType: 'model', queuedAt: 1 });

describe('OfflineQueue', () => {
  it('keeps actions in order and survives a reload through its storage', () => {
    const storage = new MemoryStorage();
    const q = new OfflineQueue(storage, 'q', 10);
    q.add(start('a'));
    q.add({ kind: 'cancel_job', key: 'b', jobId: 'j', queuedAt: 2 });
    q.add(start('c'));
    const reloaded = new OfflineQueue(storage, 'q', 10);
    expect(reloaded.all().map((a) => a.key)).toEqual(['a', 'b', 'c']);
  });

  it('queues a key once', () => {
    const q = new OfflineQueue(new MemoryStorage(), 'q', 10);
    q.add(start('a'));
    q.add(start('a'));
    expect(q.size).toBe(1);
  });

  it('refuses the action over capacity with a clear error and keeps the others', () => {
    const q = new OfflineQueue(new MemoryStorage(), 'q', 2);
    q.add(start('a'));
    q.add(start('b'));
    expect(() => q.add(start('c'))).toThrow(QueueFullError);
    expect(() => q.add(start('c'))).toThrow('offline queue is full (2 actions waiting)');
    expect(q.all().map((a) => a.key)).toEqual(['a', 'b']);
  });

  it('removes settled actions and clears storage when empty', () => {
    const storage = new MemoryStorage();
    const q = new OfflineQueue(storage, 'q', 5);
    q.add(start('a'));
    q.add(start('b'));
    expect(q.remove('a')).toBe(true);
    expect(q.remove('a')).toBe(false);
    expect(new OfflineQueue(storage, 'q', 5).all().map((a) => a.key)).toEqual(['b']);
    q.remove('b');
    expect(storage.getItem('q')).toBeNull();
  });

  it('starts empty on unreadable storage and skips malformed entries', () => {
    const storage = new MemoryStorage();
    storage.setItem('q', '{not json');
    expect(new OfflineQueue(storage, 'q', 5).size).toBe(0);
    storage.setItem('q', JSON.stringify([start('ok'), { kind: 'start_job' }, 42, { kind: 'x', key: 'y' }]));
    expect(new OfflineQueue(storage, 'q', 5).all().map((a) => a.key)).toEqual(['ok']);
  });
});
