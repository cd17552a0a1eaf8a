package io.regen.realtime.gateway.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per user (e.g. job starts per minute), shared by all of the user's connections and
 * REST calls on this node. Buckets that have refilled are dropped by {@link #evictIdle()}, so
 * memory follows active users only.
 */
public final class UserRateLimiter {
  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final int perMinute;
  private final LongSupplier nanoClock;

  public UserRateLimiter(int perMinute, LongSupplier nanoClock) {
    this.perMinute = perMinute;
    this.nanoClock = nanoClock;
  }

  public UserRateLimiter(int perMinute) {
    this(perMinute, System::nanoTime);
  }

  /** 0 when allowed, otherwise the milliseconds after which the user may try again. */
  public long tryAcquire(String userId) {
    long now = nanoClock.getAsLong();
    return buckets
        .computeIfAbsent(userId, u -> new TokenBucket(perMinute, perMinute / 60d, now))
        .tryTake(now);
  }

  /** Forgets users whose bucket is full again. */
  public void evictIdle() {
    long now = nanoClock.getAsLong();
    buckets.values().removeIf(b -> b.isFull(now));
  }

  int trackedUsers() {
    return buckets.size();
  }
}
