package io.regen.realtime.gateway.replay;

import java.time.Duration;

/**
 * Tells a replay read that gets no records, although its partition has records before the offset it
 * must reach, that it has stalled: an error for the caller, never a normal end. (Ending normally
 * would send a short replay or history that looks complete.) Not thread-safe: one per read.
 */
final class ReadStall {
  private final long timeoutNanos;
  private long emptySince;

  /**
   * @param timeout how long polls may return nothing before the read is given up
   */
  ReadStall(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** A poll returned records. */
  void progressed() {
    emptySince = 0;
  }

  /**
   * A poll returned nothing at {@code nowNanos} ({@link System#nanoTime()}) while the read is at
   * {@code position}, short of {@code stopAfter}.
   *
   * @throws IllegalStateException when nothing came for longer than the timeout
   */
  void empty(long nowNanos, long position, long stopAfter) {
    if (emptySince == 0) {
      emptySince = nowNanos;
      return;
    }
    if (nowNanos - emptySince > timeoutNanos) {
      throw new IllegalStateException(
          "replay stalled: no records at offset "
              + position
              + " (reading up to "
              + stopAfter
              + ") for "
              + Duration.ofNanos(nowNanos - emptySince).toMillis()
              + " ms");
    }
  }
}
