package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * What a request loop does with one decoded request: a pure function of the request, the loop's job
 * type, what the duplicate filter has seen, the clock and the maximum request age.
 */
public final class RequestTriage {
  /** The outcome of triage; only {@link #RUN} starts a job. */
  public enum Verdict {
    /** Undecodable, or without jobId / userId: logged and skipped. */
    MALFORMED(false),
    /** A CANCEL request: cancels the running job with that id, if any. */
    CANCEL(false),
    /** A START for another job type: another group's business. */
    OTHER_TYPE(false),
    /** A START whose jobId, or userId + idempotencyKey, was seen before. */
    DUPLICATE(true),
    /** A START requested longer ago than the maximum age. */
    STALE(true),
    /** A START to run. */
    RUN(true);

    private final boolean remembered;

    Verdict(boolean remembered) {
      this.remembered = remembered;
    }

    /**
     * Whether the duplicate filter remembers the request's keys: every START of the loop's type, so
     * the rule only depends on the order of the log (and a rebuilt filter decides the same).
     */
    public boolean remembered() {
      return remembered;
    }
  }

  private RequestTriage() {}

  /**
   * @param request the decoded request, {@code null} when the record held none
   * @param seenBefore whether the duplicate filter knows one of the request's keys; must not change
   *     state (the caller remembers the keys when {@link Verdict#remembered()})
   * @param maxAge requests older than this are stale; zero disables the check
   */
  public static Verdict triage(
      JobRequest request,
      String jobType,
      Predicate<JobRequest> seenBefore,
      Instant now,
      Duration maxAge) {
    if (request == null || blank(request.getJobId()) || blank(request.getUserId())) {
      return Verdict.MALFORMED;
    }
    if (request.getAction() == JobRequestAction.CANCEL) {
      return Verdict.CANCEL;
    }
    if (!jobType.equals(request.getJobType())) {
      return Verdict.OTHER_TYPE;
    }
    if (seenBefore.test(request)) {
      return Verdict.DUPLICATE;
    }
    Instant requestedAt = request.getRequestedAt();
    if (!maxAge.isZero() && requestedAt != null && requestedAt.isBefore(now.minus(maxAge))) {
      return Verdict.STALE;
    }
    return Verdict.RUN;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
