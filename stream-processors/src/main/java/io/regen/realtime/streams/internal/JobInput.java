package io.regen.realtime.streams.internal;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;

/**
 * What the job-state processor consumes, after both inputs were re-keyed by jobId through one
 * repartition topic (one topic, so a jobId lands in the same task whatever the partition counts of
 * the input topics are).
 */
public sealed interface JobInput {
  String jobId();

  /**
   * A job event with its position in {@code jobs.events.v1}, captured before the repartition (the
   * repartition topic has its own offsets).
   */
  record PositionedEvent(int partition, long offset, JobEvent event) implements JobInput {
    @Override
    public String jobId() {
      return event.getJobId();
    }
  }

  /** A request from {@code jobs.requests.v1}. */
  record Requested(JobRequest request) implements JobInput {
    @Override
    public String jobId() {
      return request.getJobId();
    }
  }
}
