package io.regen.realtime.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void allowsTheBurstThenTellsWhenToRetry() {
    TokenBucket bucket = new TokenBucket(3, 2, 0);
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(0)).isZero();
    assertThat(bucket.tryTake(0)).isEqualTo(500);
    assertThat(bucket.tryTake(SECOND / 4)).isEqualTo(250);
    assertThat(bucket.tryTake(SECOND / 2)).isZero();
  }

  @Test
  void refillsUpToCapacityOnly() {
    TokenBucket bucket = new TokenBucket(2, 10, 0);
    assertThat(bucket.isFull(100 * SECOND)).isTrue();
    bucket.tryTake(100 * SECOND);
    bucket.tryTake(100 * SECOND);
    assertThat(bucket.tryTake(100 * SECOND)).isPositive();
  }

  @Test
  void userLimiterSharesABucketPerUserAndForgetsIdleUsers() {
    AtomicLong now = new AtomicLong();
    UserRateLimiter limiter = new UserRateLimiter(2, now::get);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isBetween(29_000L, 30_000L);
    assertThat(limiter.tryAcquire("b")).isZero();
    now.set(61 * SECOND);
    limiter.evictIdle();
    assertThat(limiter.trackedUsers()).isZero();
  }
}
