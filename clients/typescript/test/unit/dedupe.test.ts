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
});
