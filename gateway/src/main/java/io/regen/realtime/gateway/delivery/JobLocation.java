package io.regen.realtime.gateway.delivery;

/**
 * Where a job's events are in {@code jobs.events.v1}.
 *
 * @param userId the job's owner (the record key)
 * @param partition the partition of the owner's events
 * @param firstOffset offset of the job's first event; a replay reads from here, never from 0
 * @param lastOffset offset of its last known event, or -1 when unknown (the reader then stops at
 *     the job's terminal event or the end of the partition)
 */
public record JobLocation(String userId, int partition, long firstOffset, long lastOffset) {
  public JobLocation {
    if (userId == null || partition < 0 || firstOffset < 0) {
      throw new IllegalArgumentException("userId, partition >= 0 and firstOffset >= 0 required");
    }
  }
}
