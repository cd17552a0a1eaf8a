package io.regen.realtime.gateway.jobs;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's job directory: this node's own records ({@link InMemoryJobDirectory}) in front of
 * one remote source (the query API). A look-up the cache can answer — any record for {@link #find},
 * one with a first position for {@link #locate} — never leaves the node. Remote answers are not
 * cached: a running job's last position moves on.
 */
public final class CachingJobDirectory implements JobDirectory {
  private final InMemoryJobDirectory cache;
  private final JobDirectory source;

  public CachingJobDirectory(InMemoryJobDirectory cache, JobDirectory source) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public CompletableFuture<Optional<JobRecord>> find(String jobId, String bearerToken) {
    Optional<JobRecord> known = cache.get(jobId);
    return known.isPresent()
        ? CompletableFuture.completedFuture(known)
        : source.find(jobId, bearerToken);
  }

  @Override
  public CompletableFuture<Optional<JobRecord>> locate(String jobId, String bearerToken) {
    Optional<JobRecord> known = cache.get(jobId).filter(JobRecord::located);
    return known.isPresent()
        ? CompletableFuture.completedFuture(known)
        : source.locate(jobId, bearerToken);
  }

  /** This node's own records, which job commands and live delivery fill. */
  public InMemoryJobDirectory cache() {
    return cache;
  }
}
