package io.regen.realtime.gateway.jobs;

import java.util.concurrent.CompletableFuture;

/**
 * Finds who owns a job the gateway did not start itself, through the job state query API.
 *
 * <p>Contract: completes with the owner's userId and the job type; fails with {@link
 * JobCommandException} {@code not_found} / {@code forbidden} when the API says so, {@code internal}
 * when it cannot answer. Never blocks the caller.
 */
public interface JobOwnerLookup {

  CompletableFuture<JobOwner> owner(String jobId, String bearerToken);

  /** The owner of a job. */
  record JobOwner(String userId, String jobType) {}
}
