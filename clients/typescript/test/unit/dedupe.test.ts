import { describe, expect, it } from 'vitest';
import { SeqDeduper } from '../../src/dedupe.js';

describe('SeqDeduper', () => {
  it('passes each (jobId, seq) once and counts the repeats', () => {
    const d = new SeqDeduper();
    expect(d.firstTime('j1', 0)).toBe(true);
    expect(d.firstTime('j1', 1)).toBe(true);
    expect(d.firstTime('j1', 1)).toBe(false);
    expect(d.firstTime('j2', 1)).toBe(true);
    expect(d.firstTime('j1', 0)).toBe(false);
    expect(d.duplicates).toBe(2);
  });

  it('accepts out-of-order first deliveries', () => {
    const d = new SeqDeduper();
    expect([5, 7, 6, 7].map((s) => d.firstTime('j', s))).toEqual([true, true, true, false]);
  });

  it('forgets the least recently active job first', () => {
    const d = new SeqDeduper(2);
    d.firstTime('a', 0);
    d.firstTime('b', 0);
    d.firstTime('a', 1);
    d.firstTime('c', 0); // evicts b
    expect(d.firstTime('a', 0)).toBe(false);
    expect(d.firstTime('b', 0)).toBe(true);
  });

  it('follows the latest attempt: a restart clears the seqs, an older attempt is stale', () => {
    const d = new SeqDeduper();
    expect(d.verdict('j', 0, 1)).toBe('new');
    expect(d.verdict('j', 1, 1)).toBe('new');
    expect(d.verdict('j', 0, 2)).toBe('restart');
    expect(d.verdict('j', 1, 2)).toBe('new'); // seq 1 again, but of attempt 2
    expect(d.verdict('j', 2, 1)).toBe('stale'); // attempt 1, late
    expect(d.verdict('j', 1, 2)).toBe('repeat');
    expect(d.duplicates).toBe(1);
    expect(d.stale).toBe(1);
    expect(d.firstTime('j', 2)).toBe(false); // no attempt given: 1, older than 2
  });
});
