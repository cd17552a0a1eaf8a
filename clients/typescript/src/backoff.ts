/** Reconnect delays: exponential backoff with full jitter (AWS architecture blog, "Full Jitter"). */
export interface BackoffOptions {
  /** Upper bound of the first delay, ms (default 500). */
  initialMs?: number;
  /** Cap of every delay, ms (default 30 000). */
  maxMs?: number;
  /** Growth of the upper bound per attempt (default 2). */
  factor?: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs) || !(this.factor >= 1)) {
      throw new RangeError('backoff needs initialMs > 0, maxMs >= initialMs and factor >= 1');
    }
  }

  /** The upper bound of the delay before retry number `attempt` (0 = first retry). */
  ceiling(attempt: number): number {
    return Math.min(this.maxMs, this.initialMs * Math.pow(this.factor, Math.max(0, attempt)));
  }

  /** A delay drawn uniformly from [0, ceiling(attempt)): spreads a crowd of clients apart. */
  delay(attempt: number): number {
    return Math.floor(this.random() * this.ceiling(attempt));
  }
}
