package io.regen.realtime.bench.e2e;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/** Open-loop pacing of a benchmark's sends: a fixed rate, checked every 0.2 ms, no spinning. */
public final class Pacer {
  private Pacer() {}

  /**
   * Calls {@code send} for every number in {@code [from, to)} at {@code rate} per second (what fell
   * due since the last check is sent at once, so a slow send does not lower the offered rate).
   * Returns the rate achieved.
   */
  public static long run(long from, long to, int rate, LongConsumer send) {
    return run(from, to, rate, System.nanoTime(), send);
  }

  /**
   * As {@link #run(long, long, int, LongConsumer)}, with number {@code from + k} due at {@code
   * startNanos + k / rate}: a caller that measures from the intended send time uses the same start.
   */
  public static long run(long from, long to, int rate, long startNanos, LongConsumer send) {
    long seq = from;
    while (seq < to) {
      long elapsed = System.nanoTime() - startNanos;
      long due = from + Math.min(to - from, elapsed * rate / 1_000_000_000L + 1);
      while (seq < due) {
        send.accept(seq++);
      }
      LockSupport.parkNanos(200_000);
    }
    double secs = (System.nanoTime() - startNanos) / 1e9;
    return Math.round((to - from) / secs);
  }
}
