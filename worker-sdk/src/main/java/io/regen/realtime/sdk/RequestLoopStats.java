package io.regen.realtime.sdk;

/**
 * Counters of a {@link RequestLoop} since it started.
 *
 * @param jobsStarted START requests that started a job
 * @param jobsFinished jobs whose handler returned and whose terminal event was published
 * @param duplicatesSkipped START requests recognised as duplicates (same jobId, or same userId and
 *     idempotencyKey, as an earlier request)
 * @param malformedSkipped records that could not be decoded or lack ids; logged and skipped
 * @param staleSkipped START requests older than the configured maximum request age: not run, their
 *     jobs ended as {@code job:failed:v1} code {@link RequestLoop#STALE_CODE}
 * @param cancelsDelivered CANCEL requests that reached a running or queued job of this worker
 * @param jobsRetried runs that had to be repeated (the end was not acknowledged, or the producer
 *     refused the start): the request stayed uncommitted and ran again as the next attempt
 * @param running jobs accepted and not yet finished (running or queued)
 */
public record RequestLoopStats(
    long jobsStarted,
    long jobsFinished,
    long duplicatesSkipped,
    long malformedSkipped,
    long staleSkipped,
    long cancelsDelivered,
    long jobsRetried,
    int running) {

  /** The sum of two loops' counters. */
  public RequestLoopStats plus(RequestLoopStats o) {
    return new RequestLoopStats(
        jobsStarted + o.jobsStarted,
        jobsFinished + o.jobsFinished,
        duplicatesSkipped + o.duplicatesSkipped,
        malformedSkipped + o.malformedSkipped,
        staleSkipped + o.staleSkipped,
        cancelsDelivered + o.cancelsDelivered,
        jobsRetried + o.jobsRetried,
        running + o.running);
  }
}
