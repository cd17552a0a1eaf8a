package io.regen.realtime.sdk;

import io.regen.realtime.events.JobRequest;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one job for a {@link JobRequest}. Called by a {@link RequestLoop} on one of its job threads
 * (never on the polling thread), once per job: duplicates of a request are filtered out before.
 *
 * <p>When {@link #handle} is called, the SDK has already published {@code job:started:v1}; the
 * handler publishes through {@link JobContext#job()}. How the job ends:
 *
 * <ul>
 *   <li>the handler published a terminal event: that is the end;
 *   <li>it returned normally without one: the SDK publishes {@code job:completed:v1} with an empty
 *       result summary;
 *   <li>it threw: {@code job:failed:v1} with code {@code WORKER_ERROR} and the exception as the
 *       message (not retryable);
 *   <li>the job was cancelled ({@link JobContext#isCancelled()}) and the handler returned or threw
 *       without a terminal event: {@code job:cancelled:v1} for a CANCEL request, or {@code
 *       job:failed:v1} with code {@code WORKER_SHUTDOWN}, retryable, when the worker shut down.
 * </ul>
 *
 * Handlers should check {@link JobContext#isCancelled()} between steps (or wait with {@link
 * JobContext#awaitCancellation}) and return promptly once cancelled.
 */
@FunctionalInterface
public interface JobRequestHandler {

  /** Runs the job; may block for as long as the job takes. */
  void handle(JobContext context) throws Exception;

  /**
   * The {@code inputSummary} of the job's {@code job:started:v1}. By default the request's input as
   * {@code key=value} pairs in key order, cut to 200 characters.
   */
  default String inputSummary(JobRequest request) {
    Map<String, String> input = new TreeMap<>(request.getInput());
    StringBuilder summary = new StringBuilder();
    input.forEach(
        (k, v) -> {
          if (summary.length() > 0) {
            summary.append(", ");
          }
          summary.append(k).append('=').append(v);
        });
    return summary.length() <= 200 ? summary.toString() : summary.substring(0, 199) + "…";
  }
}
