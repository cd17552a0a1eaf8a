package io.regen.realtime.streams.internal;

import io.regen.realtime.streams.state.JobStatus;

/**
 * A change of a job that the job analytics count, emitted by {@link JobStateProcessor} with the
 * event time of the event that caused it (same task, never serialized).
 */
public sealed interface JobFact {
  /** The job went from QUEUED (or unknown) to RUNNING. */
  record Started(String jobType) implements JobFact {}

  /** The job's first model chunk arrived {@code millis} after JobStarted. */
  record FirstChunk(String model, long millis) implements JobFact {}

  /** The job ended; {@code model} is null when it streamed no chunk. */
  record Ended(String jobType, JobStatus status, Long durationMs, String model)
      implements JobFact {}
}
