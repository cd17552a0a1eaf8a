package io.regen.realtime.gateway.delivery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded, least-recently-used map of job positions. The gateway fills it with the first event
 * ({@code seq == 0}) of each job it sees live, a cheap way to answer most replays without asking
 * the query API; tests fill it directly. Thread-safe.
 */
public final class InMemoryJobLocator implements JobLocator {
  private final Map<String, JobLocation> jobs;

  public InMemoryJobLocator(int maxJobs) {
    if (maxJobs <= 0) {
      throw new IllegalArgumentException("maxJobs must be > 0");
    }
    this.jobs =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, JobLocation> eldest) {
            return size() > maxJobs;
          }
        };
  }

  public synchronized void put(String jobId, JobLocation location) {
    jobs.put(jobId, location);
  }

  /** Records a job's first event seen live; later sightings of the same job change nothing. */
  public synchronized void recordFirst(String jobId, String userId, int partition, long offset) {
    jobs.putIfAbsent(jobId, new JobLocation(userId, partition, offset, -1));
  }

  @Override
  public synchronized Optional<JobLocation> locate(String jobId, String bearerToken) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  public synchronized int size() {
    return jobs.size();
  }
}
