package io.regen.realtime.sdk.internal;

import io.regen.realtime.sdk.JobHandle;

/**
 * Publishes a job's {@code job:started:v1} and returns its handle; the request loop's only way to
 * the event producer.
 */
@FunctionalInterface
public interface JobStarter {
  /**
   * @param attempt the run of the job, from 1 (see {@link JobHandle#attempt()})
   * @throws io.regen.realtime.sdk.InvalidEventException when the ids or summary are invalid;
   *     nothing is sent then
   */
  JobHandle start(String jobId, String userId, String jobType, String inputSummary, int attempt);
}
