import { describe, expect, it } from 'vitest';
import { type ConnectionStatus, StatusMachine } from '../../src/status.js';

describe('StatusMachine', () => {
  it('starts connecting and tells subscribers every change', () => {
    const m = new StatusMachine();
    const seen: ConnectionStatus[] = [];
    m.subscribe((s) => seen.push(s));
    m.transition('open');
    m.transition('reconnecting', { lastCloseCode: 1006, attempt: 1, nextRetryAt: 1234 });
    m.transition('open', { attempt: 0 });
    expect(seen.map((s) => s.state)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(seen[2]).toMatchObject({ lastCloseCode: 1006, attempt: 1, nextRetryAt: 1234 });
    expect(seen[3]).toMatchObject({ lastCloseCode: 1006, nextRetryAt: null });
  });

  it('refuses moves the client must never make', () => {
    const m = new StatusMachine();
    expect(() => m.transition('connecting')).toThrow(/connecting -> connecting/);
    m.transition('offline');
    expect(() => m.transition('open')).toThrow(/offline -> open/);
    m.transition('closed', { closedReason: 'app' });
    expect(() => m.transition('open')).toThrow(/closed -> open/);
    m.transition('connecting');
    expect(m.state).toBe('connecting');
  });

  it('freezes snapshots and stops telling unsubscribed listeners', () => {
    const m = new StatusMachine();
    let calls = 0;
    const off = m.subscribe(() => calls++);
    off();
    m.transition('open');
    expect(calls).toBe(1);
    expect(Object.isFrozen(m.status)).toBe(true);
  });
});
