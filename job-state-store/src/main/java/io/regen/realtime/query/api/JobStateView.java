package io.regen.realtime.query.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.regen.realtime.query.JobStateRead;
import io.regen.realtime.streams.JobResponses;
import io.regen.realtime.streams.Utf8;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.ResearchStepState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/job/{jobId}/state}: the JobState with its Avro field names (timestamps as
 * ISO-8601 UTC strings), plus {@code position}, the last event of the job the state reflects, and,
 * for a read from a standby replica the client allowed, {@code stale: true} and the replica's
 * {@code lag} in changelog records. {@code attempt} is the run of the job the state follows (1,
 * then +1 each time a worker ran it again); {@code lastSeq} and the progress are that attempt's.
 *
 * <p>Read without the response text ({@code withResponse=false}), the answer has no {@code
 * responseSoFar} but {@code responseBytes}, the text's length in UTF-8 bytes; the full answer has
 * the text and no {@code responseBytes} (its shape from before the chunk store).
 */
public record JobStateView(
    String jobId,
    String userId,
    String jobType,
    String status,
    int progressPercent,
    String progressMessage,
    long lastSeq,
    int attempt,
    Map<String, Long> eventCounts,
    long anomalies,
    long duplicates,
    String model,
    @JsonInclude(JsonInclude.Include.NON_NULL) String responseSoFar,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer responseBytes,
    boolean responseTruncated,
    List<ResearchStepView> researchSteps,
    boolean researchStepsTruncated,
    String resultSummary,
    ErrorView error,
    String cancelReason,
    String requestedAt,
    String startedAt,
    String updatedAt,
    String completedAt,
    Long durationMs,
    PositionView firstPosition,
    PositionView lastPosition,
    PositionView position,
    boolean stale,
    long lag) {

  /** One research step. */
  public record ResearchStepView(int step, String title, String url, String summary) {}

  /** Why a job failed. */
  public record ErrorView(String code, String message, boolean retryable) {}

  /** The view of a read, with or without the response text as the read was made. */
  public static JobStateView of(JobStateRead read) {
    JobState s = read.state();
    return of(
        s,
        read.withResponse() ? s.getResponseSoFar() : null,
        read.withResponse() ? null : responseBytes(s),
        read.stale(),
        read.lag());
  }

  /**
   * The UTF-8 length of the state's response text: counted in the state when its text is in the
   * chunk store, else the text a value of an earlier store schema carries itself.
   */
  private static int responseBytes(JobState s) {
    return JobResponses.hasChunks(s) ? s.getResponseBytes() : Utf8.length(s.getResponseSoFar());
  }

  private static JobStateView of(
      JobState s, String responseSoFar, Integer responseBytes, boolean stale, long lag) {
    List<ResearchStepView> steps =
        s.getResearchSteps().stream()
            .map(
                (ResearchStepState r) ->
                    new ResearchStepView(r.getStep(), r.getTitle(), r.getUrl(), r.getSummary()))
            .toList();
    ErrorView error =
        s.getError() == null
            ? null
            : new ErrorView(
                s.getError().getCode(), s.getError().getMessage(), s.getError().getRetryable());
    return new JobStateView(
        s.getJobId(),
        s.getUserId(),
        s.getJobType(),
        s.getStatus().name(),
        s.getProgressPercent(),
        s.getProgressMessage(),
        s.getLastSeq(),
        s.getAttempt(),
        new TreeMap<>(s.getEventCounts()),
        s.getAnomalies(),
        s.getDuplicates(),
        s.getModel(),
        responseSoFar,
        responseBytes,
        s.getResponseTruncated(),
        steps,
        s.getResearchStepsTruncated(),
        s.getResultSummary(),
        error,
        s.getCancelReason(),
        iso(s.getRequestedAt()),
        iso(s.getStartedAt()),
        iso(s.getUpdatedAt()),
        iso(s.getCompletedAt()),
        s.getDurationMs(),
        PositionView.of(s.getFirstPosition()),
        PositionView.of(s.getLastPosition()),
        PositionView.of(s.getLastPosition()),
        stale,
        lag);
  }

  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
