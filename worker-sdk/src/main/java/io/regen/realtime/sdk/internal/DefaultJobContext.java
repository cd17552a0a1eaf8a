package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.sdk.JobContext;
import io.regen.realtime.sdk.JobHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link JobContext} of one job run by a request loop. */
public final class DefaultJobContext implements JobContext {
  private static final Logger log = LoggerFactory.getLogger(DefaultJobContext.class);

  /** Why a job is cancelled; decides its terminal event when the handler does not publish one. */
  public enum CancelKind {
    /** A CANCEL request: {@code job:cancelled:v1}. */
    REQUESTED,
    /** The worker shuts down: {@code job:failed:v1} WORKER_SHUTDOWN, retryable. */
    SHUTDOWN
  }

  private final JobRequest request;
  private final String workerId;
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final List<Runnable> callbacks = new ArrayList<>();
  private volatile JobHandle job;
  private volatile CancelKind cancelKind;
  private volatile String cancelReason;

  public DefaultJobContext(JobRequest request, String workerId) {
    this.request = request;
    this.workerId = workerId;
  }

  void attach(JobHandle job) {
    this.job = job;
  }

  @Override
  public JobRequest request() {
    return request;
  }

  @Override
  public JobHandle job() {
    return job;
  }

  @Override
  public String workerId() {
    return workerId;
  }

  @Override
  public boolean isCancelled() {
    return cancelKind != null;
  }

  public Optional<CancelKind> cancelKind() {
    return Optional.ofNullable(cancelKind);
  }

  @Override
  public Optional<String> cancellationReason() {
    return Optional.ofNullable(cancelReason);
  }

  /** Signals cancellation; the first signal wins. Returns whether this call cancelled the job. */
  public boolean cancel(CancelKind kind, String reason) {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelKind != null) {
        return false;
      }
      cancelReason = reason;
      cancelKind = kind;
      toRun = List.copyOf(callbacks);
      callbacks.clear();
    }
    cancelled.countDown();
    toRun.forEach(this::runCallback);
    return true;
  }

  @Override
  public void onCancel(Runnable callback) {
    synchronized (this) {
      if (cancelKind == null) {
        callbacks.add(callback);
        return;
      }
    }
    runCallback(callback);
  }

  @Override
  public boolean awaitCancellation(Duration timeout) throws InterruptedException {
    return cancelled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void runCallback(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("Cancellation callback of job {} failed", request.getJobId(), e);
    }
  }
}
