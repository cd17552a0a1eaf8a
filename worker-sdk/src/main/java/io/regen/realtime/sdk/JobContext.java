package io.regen.realtime.sdk;

import io.regen.realtime.events.JobRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link JobRequestHandler} gets for one job: the request, the started job and the
 * cancellation signal. Thread-safe.
 */
public interface JobContext {

  /** The request that started this job. */
  JobRequest request();

  /** The job, already started ({@code job:started:v1}, seq 0, is published). */
  JobHandle job();

  /** Id of the worker running the job (the {@code producer} of its events). */
  String workerId();

  /**
   * Whether the job should stop: a CANCEL request for its jobId arrived, or the worker is shutting
   * down and the job did not finish within the drain timeout.
   */
  boolean isCancelled();

  /** Why the job was cancelled, empty while it is not. */
  Optional<String> cancellationReason();

  /**
   * Runs {@code callback} once when the job is cancelled (immediately, on the calling thread, if it
   * already is). Callbacks run on the SDK's polling thread: keep them short and non-blocking.
   */
  void onCancel(Runnable callback);

  /**
   * Waits until the job is cancelled or {@code timeout} passed, whichever is first; the way to pace
   * a job (e.g. a chunk rate) that still reacts to a CANCEL at once.
   *
   * @return whether the job is cancelled
   */
  boolean awaitCancellation(Duration timeout) throws InterruptedException;
}
