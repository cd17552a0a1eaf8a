package io.regen.realtime.sdk;

import java.util.Set;

/**
 * A running consumer of {@code jobs.requests.v1} for some job types, started by {@link
 * RegenWorkerClient#handleRequests}. One consumer group per job type ({@code
 * regen-workers-<jobType>}), so each request is handled by one worker of its type; jobs run on the
 * loop's own threads so that a long job never delays polling.
 *
 * <p>{@link #close()} stops taking requests, lets running jobs finish for the drain timeout, then
 * cancels the rest (they end with {@code job:failed:v1} {@code WORKER_SHUTDOWN}, retryable),
 * commits what was handled and leaves the group. Jobs accepted but not started yet are left for the
 * next worker (their requests are not committed).
 */
public interface RequestLoop extends AutoCloseable {
  /**
   * The {@code job:failed:v1} code of a job whose START request was older than the maximum request
   * age when a worker read it: not run, not retryable (the client may start it again).
   */
  String STALE_CODE = "STALE";

  /** The job types this loop handles. */
  Set<String> jobTypes();

  /** Whether the loop is polling (false after close or a fatal consumer error). */
  boolean isRunning();

  /**
   * Whether every consumer of the loop has joined its group and received an assignment (possibly
   * empty, when other workers of the type hold all partitions): from then on requests are read.
   */
  boolean isAssigned();

  /** Counters since the start. */
  RequestLoopStats stats();

  @Override
  void close();
}
