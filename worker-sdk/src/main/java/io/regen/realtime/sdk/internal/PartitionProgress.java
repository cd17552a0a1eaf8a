package io.regen.realtime.sdk.internal;

import java.util.TreeSet;

/**
 * Which records of one partition are handled, so the loop commits only the contiguous prefix of
 * handled records (at-least-once with jobs finishing out of order). Used by the polling thread
 * only.
 */
final class PartitionProgress {
  private final TreeSet<Long> pending = new TreeSet<>();
  private long nextOffset = -1;
  private long committed = -1;

  /** A record was read; {@code handled} when nothing remains to be done for it. */
  void read(long offset, boolean handled) {
    nextOffset = Math.max(nextOffset, offset + 1);
    if (!handled) {
      pending.add(offset);
    }
  }

  void handled(long offset) {
    pending.remove(offset);
  }

  /** The offset to commit (the first record not handled yet), or -1 when nothing new. */
  long committable() {
    if (nextOffset < 0) {
      return -1;
    }
    long upTo = pending.isEmpty() ? nextOffset : pending.first();
    return upTo > committed ? upTo : -1;
  }

  void committedUpTo(long offset) {
    committed = Math.max(committed, offset);
  }
}
