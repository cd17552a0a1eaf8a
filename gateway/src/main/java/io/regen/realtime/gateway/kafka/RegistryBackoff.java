package io.regen.realtime.gateway.kafka;

import java.time.Duration;

/**
 * How long a reader waits before reading again a record it could not decode because the schema
 * registry was unavailable: doubling from 50 ms to 2 s, back to 50 ms once a record decodes. Short
 * at first because most outages seen are a registry restart; bounded so a long outage costs a
 * request every 2 s per waiting reader, not a busy loop. Not thread-safe: one per reader.
 */
public final class RegistryBackoff {
  static final Duration FIRST = Duration.ofMillis(50);
  static final Duration MAX = Duration.ofSeconds(2);

  private long nextNanos = FIRST.toNanos();

  /** The wait before the next attempt; each call doubles the following one, up to the maximum. */
  public long nextDelayNanos() {
    long d = nextNanos;
    nextNanos = Math.min(nextNanos * 2, MAX.toNanos());
    return d;
  }

  /** A record decoded: the next outage starts from the shortest wait again. */
  public void reset() {
    nextNanos = FIRST.toNanos();
  }
}
