package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.util.BoundedMap;
import java.util.Map;

/**
 * The keys of the START requests seen so far, bounded (oldest forgotten first), each with the log
 * position where it was first seen. A request is a duplicate when its jobId, or its userId +
 * idempotencyKey, was seen before at another position. The same record read again (the partition
 * came back after a rebalance before the request was committed) is not a duplicate of itself: its
 * job was never committed and must run. The rule only depends on the order of the log, so the
 * memory rebuilt from the log after a restart decides the same way.
 */
public final class DedupeMemory {
  /** Stored for keys remembered without a position: any later copy is a duplicate. */
  private static final String UNKNOWN = "";

  private final Map<String, String> keys;

  public DedupeMemory(int capacity) {
    this.keys = BoundedMap.oldestFirst(capacity);
  }

  /** The position of a record, as {@link #seen(JobRequest, String)} compares it. */
  public static String position(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }

  /** Remembers the request's keys; returns whether any of them was already known. */
  public synchronized boolean checkAndRemember(JobRequest request) {
    return checkAndRemember(request, null);
  }

  /** Remembers the request's keys at {@code position}; whether it is a duplicate. */
  public synchronized boolean checkAndRemember(JobRequest request, String position) {
    boolean seen = seen(request, position);
    remember(request, position);
    return seen;
  }

  /** Whether the request's jobId, or its userId + idempotencyKey, was remembered before. */
  public synchronized boolean seen(JobRequest request) {
    return seen(request, null);
  }

  /**
   * Whether the request's jobId, or its userId + idempotencyKey, was remembered at a position other
   * than {@code position} ({@code null}: any remembered key counts).
   */
  public synchronized boolean seen(JobRequest request, String position) {
    String idemKey = idempotencyKey(request);
    return seenElsewhere(jobKey(request), position)
        || (idemKey != null && seenElsewhere(idemKey, position));
  }

  /** Remembers the request's keys (where not known yet: the first position is kept). */
  public synchronized void remember(JobRequest request) {
    remember(request, null);
  }

  /** Remembers the request's keys at {@code position} (the first position is kept). */
  public synchronized void remember(JobRequest request, String position) {
    String at = position == null ? UNKNOWN : position;
    keys.putIfAbsent(jobKey(request), at);
    String idemKey = idempotencyKey(request);
    if (idemKey != null) {
      keys.putIfAbsent(idemKey, at);
    }
  }

  private boolean seenElsewhere(String key, String position) {
    String at = keys.get(key);
    return at != null && (position == null || at.equals(UNKNOWN) || !at.equals(position));
  }

  public synchronized int size() {
    return keys.size();
  }

  private static String jobKey(JobRequest request) {
    return "job\u0000" + request.getJobId();
  }

  private static String idempotencyKey(JobRequest request) {
    String key = request.getIdempotencyKey();
    return key == null || key.isEmpty()
        ? null
        : "idem\u0000" + request.getUserId() + "\u0000" + key;
  }
}
