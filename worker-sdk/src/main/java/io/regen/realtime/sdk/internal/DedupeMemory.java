package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.util.BoundedMap;
import java.util.Map;

/**
 * The keys of the START requests seen so far, bounded (oldest forgotten first). A request is a
 * duplicate when its jobId, or its userId + idempotencyKey, was seen before. The rule only depends
 * on the order of the log, so the memory rebuilt from the log after a restart decides the same way.
 */
public final class DedupeMemory {
  private final Map<String, Boolean> keys;

  public DedupeMemory(int capacity) {
    this.keys = BoundedMap.oldestFirst(capacity);
  }

  /** Remembers the request's keys; returns whether any of them was already known. */
  public synchronized boolean checkAndRemember(JobRequest request) {
    boolean seen = seen(request);
    remember(request);
    return seen;
  }

  /** Whether the request's jobId, or its userId + idempotencyKey, was remembered before. */
  public synchronized boolean seen(JobRequest request) {
    String idemKey = idempotencyKey(request);
    return keys.containsKey(jobKey(request)) || (idemKey != null && keys.containsKey(idemKey));
  }

  /** Remembers the request's keys. */
  public synchronized void remember(JobRequest request) {
    keys.put(jobKey(request), Boolean.TRUE);
    String idemKey = idempotencyKey(request);
    if (idemKey != null) {
      keys.put(idemKey, Boolean.TRUE);
    }
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
