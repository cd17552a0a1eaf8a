package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys of the START requests seen so far, bounded (oldest forgotten first). A request is a
 * duplicate when its jobId, or its userId + idempotencyKey, was seen before. The rule only depends
 * on the order of the log, so the memory rebuilt from the log after a restart decides the same way.
 */
public final class DedupeMemory {
  private final int capacity;
  private final Map<String, Boolean> keys;

  public DedupeMemory(int capacity) {
    this.capacity = capacity;
    this.keys =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > DedupeMemory.this.capacity;
          }
        };
  }

  /** Remembers the request's keys; returns whether any of them was already known. */
  public synchronized boolean checkAndRemember(JobRequest request) {
    String jobKey = jobKey(request);
    String idemKey = idempotencyKey(request);
    boolean seen = keys.containsKey(jobKey) || (idemKey != null && keys.containsKey(idemKey));
    keys.put(jobKey, Boolean.TRUE);
    if (idemKey != null) {
      keys.put(idemKey, Boolean.TRUE);
    }
    return seen;
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
