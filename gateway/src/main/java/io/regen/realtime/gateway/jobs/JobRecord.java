package io.regen.realtime.gateway.jobs;

import io.regen.realtime.schemas.LogPosition;
import java.util.Objects;

/**
 * What the gateway knows about one job: who owns it, its type, and where its events are in {@code
 * jobs.events.v1}.
 *
 * @param userId the job's owner (the key of its events)
 * @param jobType the job type; empty when the source did not say
 * @param firstPosition position of the job's first event, or null while none is known (a replay
 *     reads from here, never from the partition's start)
 * @param lastPosition position of its last known event, or null when unknown (the reader then stops
 *     at the job's terminal event or the end of the partition)
 */
public record JobRecord(
    String userId, String jobType, LogPosition firstPosition, LogPosition lastPosition) {
  public JobRecord {
    Objects.requireNonNull(userId, "userId");
    jobType = jobType == null ? "" : jobType;
    if (firstPosition == null) {
      lastPosition = null;
    }
  }

  /** A job known by its owner only (started here, no event seen yet). */
  public static JobRecord owned(String userId, String jobType) {
    return new JobRecord(userId, jobType, null, null);
  }

  /** Whether the first event's position is known, which a replay needs. */
  public boolean located() {
    return firstPosition != null;
  }

  /**
   * Offset of the last known event in the first event's partition, -1 when unknown (or, which the
   * key = userId contract rules out, in another partition).
   */
  public long lastOffset() {
    return lastPosition != null && lastPosition.partition() == firstPosition.partition()
        ? lastPosition.offset()
        : -1;
  }

  /** This record completed with what {@code other} knows and this one does not. */
  JobRecord mergedWith(JobRecord other) {
    return new JobRecord(
        userId,
        jobType.isEmpty() ? other.jobType : jobType,
        firstPosition != null ? firstPosition : other.firstPosition,
        firstPosition != null ? lastPosition : other.lastPosition);
  }
}
