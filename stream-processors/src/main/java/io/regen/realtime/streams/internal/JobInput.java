package io.regen.realtime.streams.internal;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;

/**
 * What the job-state processor consumes, keyed by userId: the events straight from {@code
 * jobs.events.v1}, the requests after their repartition by userId. Never serialized.
 */
public sealed interface JobInput {
  String jobId();

  /** A job event with its position in {@code jobs.events.v1}. */
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
