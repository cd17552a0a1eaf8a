package io.regen.realtime.gateway.delivery;

import java.util.Optional;

/**
 * Finds where a job's events start, so replay never scans a partition from its beginning.
 *
 * <p>Contract: empty when the job is unknown; may throw {@link JobReplay.JobAccessException} with
 * code {@code forbidden} when the source itself refuses the caller. Callers still check access
 * themselves against {@link JobLocation#userId()}. Thread-safe; may block on I/O (call it off the
 * socket's thread).
 */
public interface JobLocator {

  /**
   * @param jobId the job
   * @param bearerToken the caller's token, forwarded to sources that check it; may be null
   */
  Optional<JobLocation> locate(String jobId, String bearerToken);
}
