package io.regen.realtime.sdk.internal;

import java.util.TreeSet;

/**
 * Which records of one partition are handled, so the loop commits only the contiguous prefix of
 * handled records (at-least-once with jobs finishing out of order), and the {@link AttemptMarks} of
 * the jobs started after that prefix. Used by the polling thread only.
 */
final class PartitionProgress {
  private final TreeSet<Long> pending = new TreeSet<>();
  private long nextOffset = -1;
  private long committed = -1;
  private AttemptMarks marks;

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
    long upTo = position();
    return upTo > committed ? upTo : -1;
  }

  /** The offset after the last record read, or -1 before any read. */
  long nextOffset() {
    return nextOffset;
  }

  /** The first record not handled yet (what a commit now would say), or -1 before any read. */
  long position() {
    if (nextOffset < 0) {
      return -1;
    }
    return pending.isEmpty() ? nextOffset : pending.first();
  }

  void committedUpTo(long offset) {
    committed = Math.max(committed, offset);
    if (marks != null) {
      marks.forgetBelow(committed);
    }
  }

  /** Whether the marks of the group's last commit are known (see {@link #restore}). */
  boolean attemptsKnown() {
    return marks != null;
  }

  /** The marks read from the group's committed offset of this partition. */
  void restore(AttemptMarks restored) {
    marks = restored;
  }

  /**
   * Records and returns the attempt of a new run of the request at {@code offset}: one more than
   * the last one marked (by this worker or, before, another), else 1.
   */
  int nextAttempt(long offset) {
    int attempt = marks.last(offset).orElse(0) + 1;
    marks.record(offset, attempt);
    return attempt;
  }

  /** The commit metadata for a commit at {@code offset}. */
  String metadata(long offset) {
    return marks == null ? "" : marks.encode(offset);
  }
}
