package io.regen.realtime.sdk.internal;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The attempt of each job started at or after a partition's committed offset, kept in the metadata
 * of that commit so a worker that takes over (after a crash too) knows which attempt a re-run is.
 * The loop commits the marks synchronously before it publishes a job's start, so a job is never run
 * twice under one attempt number. Format: {@code a1:} then {@code <offset - committed>.<attempt>}
 * pairs (base 36) separated by {@code ,}; anything else reads as no marks.
 */
final class AttemptMarks {
  static final String PREFIX = "a1:";

  /**
   * Longest metadata written; the broker's default {@code offset.metadata.max.bytes} is 4096. With
   * at most a few polls of requests in flight per partition it is far from reached.
   */
  static final int MAX_LENGTH = 3000;

  private final TreeMap<Long, Integer> byOffset = new TreeMap<>();

  /** The marks in {@code metadata} of a commit at {@code committedOffset}; empty when none. */
  static AttemptMarks parse(long committedOffset, String metadata) {
    AttemptMarks marks = new AttemptMarks();
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return marks;
    }
    String body = metadata.substring(PREFIX.length());
    if (body.isEmpty()) {
      return marks;
    }
    try {
      for (String pair : body.split(",")) {
        int dot = pair.indexOf('.');
        long offset = committedOffset + Long.parseLong(pair.substring(0, dot), 36);
        int attempt = Integer.parseInt(pair.substring(dot + 1), 36);
        marks.byOffset.put(offset, attempt);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable attempt marks: " + metadata, e);
    }
    return marks;
  }

  /** The last attempt recorded for the request at {@code offset}. */
  Optional<Integer> last(long offset) {
    return Optional.ofNullable(byOffset.get(offset));
  }

  void record(long offset, int attempt) {
    byOffset.put(offset, attempt);
  }

  /** Marks below {@code offset} are of committed requests: never run again. */
  void forgetBelow(long offset) {
    byOffset.headMap(offset, false).clear();
  }

  /** The metadata of a commit at {@code committedOffset}: the marks at or after it. */
  String encode(long committedOffset) {
    NavigableMap<Long, Integer> kept = byOffset.tailMap(committedOffset, true);
    if (kept.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(PREFIX);
    for (Map.Entry<Long, Integer> e : kept.entrySet()) {
      if (out.length() > PREFIX.length()) {
        out.append(',');
      }
      out.append(Long.toString(e.getKey() - committedOffset, 36))
          .append('.')
          .append(Integer.toString(e.getValue(), 36));
    }
    return out.toString();
  }
}
