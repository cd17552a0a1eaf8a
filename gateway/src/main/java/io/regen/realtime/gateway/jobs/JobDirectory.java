package io.regen.realtime.gateway.jobs;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Who owns a job, its type and where its events are: the one place the gateway asks, for cancel
 * (owner check) and for replay and history (where to start reading).
 *
 * <p>Contract: {@link #find} completes with the job's {@link JobRecord}, or empty when the job is
 * unknown. A source that checks the caller's token fails the future with {@link JobLookupException}
 * {@link JobLookupException.Reason#FORBIDDEN FORBIDDEN} when it refuses the caller, and with {@link
 * JobLookupException.Reason#UNAVAILABLE UNAVAILABLE} when it cannot answer now; callers still check
 * access themselves against {@link JobRecord#userId()}. A record may lack positions (a job started
 * but without events yet); {@link #locate} completes only with records that have a first position.
 * Thread-safe; never blocks the caller.
 */
public interface JobDirectory {

  /**
   * The job's record, with or without positions.
   *
   * @param bearerToken the caller's token, forwarded to sources that check it; may be null
   */
  CompletableFuture<Optional<JobRecord>> find(String jobId, String bearerToken);

  /** The job's record if its first position is known (empty otherwise), for reading its events. */
  default CompletableFuture<Optional<JobRecord>> locate(String jobId, String bearerToken) {
    return find(jobId, bearerToken).thenApply(found -> found.filter(JobRecord::located));
  }
}
