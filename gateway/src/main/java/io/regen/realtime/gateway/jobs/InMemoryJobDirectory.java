package io.regen.realtime.gateway.jobs;

import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.util.BoundedMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A bounded, least-recently-used map of job records, filled by this node: with the owner and type
 * of every job started through it, and with the first event ({@code seq == 0}) of each job delivery
 * sees live, a cheap way to answer most cancels and replays without asking the query API; tests
 * fill it directly. Completes at once. Thread-safe.
 */
public final class InMemoryJobDirectory implements JobDirectory {
  private final Map<String, JobRecord> jobs;

  public InMemoryJobDirectory(int maxJobs) {
    if (maxJobs <= 0) {
      throw new IllegalArgumentException("maxJobs must be > 0");
    }
    this.jobs = BoundedMap.leastRecentlyUsed(maxJobs);
  }

  /** Remembers {@code record}, completing what is already known of the job, never overwriting. */
  public synchronized void put(String jobId, JobRecord record) {
    jobs.merge(jobId, record, JobRecord::mergedWith);
  }

  /** Records a job started through this node. */
  public void recordStart(String jobId, String userId, String jobType) {
    put(jobId, JobRecord.owned(userId, jobType));
  }

  /** Records a job's first event seen live; later sightings of the same job change nothing. */
  public void recordFirstEvent(String jobId, String userId, LogPosition position) {
    put(jobId, new JobRecord(userId, "", position, null));
  }

  @Override
  public CompletableFuture<Optional<JobRecord>> find(String jobId, String bearerToken) {
    return CompletableFuture.completedFuture(get(jobId));
  }

  /** The record, if known; never blocks. */
  public synchronized Optional<JobRecord> get(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  public synchronized int size() {
    return jobs.size();
  }
}
