import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/backoff.js';

describe('Backoff', () => {
  it('grows the ceiling by the factor up to the cap', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 3 });
    expect([0, 1, 2, 3, 10].map((a) => b.ceiling(a))).toEqual([100, 300, 900, 1000, 1000]);
  });

  it('draws full jitter: anywhere from 0 to the ceiling', () => {
    expect(new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0).delay(3)).toBe(0);
    expect(new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0.5).delay(2)).toBe(200);
    expect(new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0.999999).delay(20)).toBe(999);
  });

  it('spreads many clients over the window', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 1000 });
    const delays = Array.from({ length: 2000 }, () => b.delay(0));
    const firstHalf = delays.filter((d) => d < 500).length;
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(1000);
    expect(firstHalf).toBeGreaterThan(800);
    expect(firstHalf).toBeLessThan(1200);
  });

  it('refuses nonsense settings', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 100, maxMs: 50 })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
  });
});
