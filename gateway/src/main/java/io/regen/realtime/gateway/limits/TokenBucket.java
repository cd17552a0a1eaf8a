package io.regen.realtime.gateway.limits;

/**
 * A token bucket: {@code capacity} tokens, refilled continuously at {@code perSecond}. Thread-safe
 * (synchronized; one bucket is touched by one connection or one user, so contention is negligible).
 */
public final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private double tokens;
  private long updatedNanos;

  public TokenBucket(double capacity, double perSecond, long nowNanos) {
    if (capacity < 1 || perSecond <= 0) {
      throw new IllegalArgumentException("capacity must be >= 1 and rate > 0");
    }
    this.capacity = capacity;
    this.perNano = perSecond / 1_000_000_000d;
    this.tokens = capacity;
    this.updatedNanos = nowNanos;
  }

  /**
   * Takes one token.
   *
   * @return 0 when a token was taken, otherwise the milliseconds until one is available (at least
   *     1)
   */
  public synchronized long tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    double missingNanos = (1 - tokens) / perNano;
    return Math.max(1, (long) Math.ceil(missingNanos / 1_000_000d));
  }

  /** Whether the bucket is full again (nothing to remember about its owner). */
  public synchronized boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - updatedNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perNano);
      updatedNanos = nowNanos;
    }
  }
}
