package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.sdk.InvalidEventException;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.JobRequestHandler;
import io.regen.realtime.sdk.internal.DefaultJobContext.CancelKind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one request loop on a fixed pool: publishes the start, calls the handler,
 * publishes the terminal event the handler left out, waits for its acknowledgement and then hands
 * the request's offset to the {@link OffsetBook}. Cancels reach running (or queued) jobs by id.
 */
final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  // The producer's delivery timeout completes the ack future; this bound only guards against a
  // future never completed.
  private static final Duration TERMINAL_ACK_SAFETY_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);
  private static final int MAX_ERROR_MESSAGE = 1000;

  private final String jobType;
  private final String workerId;
  private final JobRequestHandler handler;
  private final JobStarter starter;
  private final OffsetBook offsets;
  private final LoopCounters counters;
  private final ExecutorService pool;
  private final Consumer<PendingStart> retries;
  private final Map<String, DefaultJobContext> running = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closing;

  JobRunner(
      String jobType,
      String workerId,
      int concurrency,
      JobRequestHandler handler,
      JobStarter starter,
      OffsetBook offsets,
      LoopCounters counters,
      Consumer<PendingStart> retries) {
    this.jobType = jobType;
    this.retries = retries;
    this.workerId = workerId;
    this.handler = handler;
    this.starter = starter;
    this.offsets = offsets;
    this.counters = counters;
    AtomicInteger threadNo = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "regen-job-" + jobType + "-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Jobs submitted and not finished yet (queued or running). */
  int inFlight() {
    return inFlight.get();
  }

  /**
   * Queues the job of {@code start} (its attempt marked). A run that must be repeated (its end was
   * not acknowledged, or the producer refused its start) goes to {@code retries} after a pause, to
   * be given the next attempt.
   */
  void submit(PendingStart start) {
    DefaultJobContext context = new DefaultJobContext(start.request, workerId);
    if (start.staleAge == null) {
      running.put(start.request.getJobId(), context);
    }
    inFlight.incrementAndGet();
    try {
      pool.execute(
          () -> {
            if (start.staleAge == null) {
              run(start, context);
            } else {
              failStale(start);
            }
          });
    } catch (RejectedExecutionException e) {
      // Shut down meanwhile: the request stays uncommitted for the next worker.
      running.remove(start.request.getJobId(), context);
      inFlight.decrementAndGet();
    }
  }

  /**
   * Ends the job of a START request older than its maximum age as {@code job:failed:v1} code {@link
   * io.regen.realtime.sdk.RequestLoop#STALE_CODE}, without running it: its client sees it end
   * instead of waiting on a QUEUED job forever.
   */
  private void failStale(PendingStart start) {
    JobRequest request = start.request;
    try {
      JobHandle job =
          starter.start(
              request.getJobId(), request.getUserId(), jobType, summary(request), start.attempt);
      job.fail(
          io.regen.realtime.sdk.RequestLoop.STALE_CODE,
          "request older than " + start.staleAge + " when a worker read it; not run",
          false);
      awaitAck(job);
    } catch (RuntimeException e) {
      log.warn("Could not fail stale job {}: {}", request.getJobId(), e.toString());
    } finally {
      inFlight.decrementAndGet();
      offsets.handled(start.partition, start.offset);
    }
  }

  /** Cancels the job with {@code jobId} on request; whether one was there to cancel. */
  boolean cancel(String jobId) {
    DefaultJobContext context = running.get(jobId);
    return context != null && context.cancel(CancelKind.REQUESTED, "cancel requested");
  }

  /** From now on, queued jobs are not started (the loop is closing). */
  void stopStartingJobs() {
    closing = true;
  }

  /**
   * Lets running jobs finish for {@code drainTimeout}, then cancels the rest as a shutdown (their
   * requests stay uncommitted for the next worker). Jobs queued but not started are not run.
   */
  void shutdown(Duration drainTimeout) {
    closing = true;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.info(
            "Cancelling {} running job(s) of '{}': worker shutting down", running.size(), jobType);
        running.values().forEach(c -> c.cancel(CancelKind.SHUTDOWN, "worker shutting down"));
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
          pool.shutdownNow();
          pool.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }

  private void run(PendingStart pending, DefaultJobContext context) {
    JobRequest request = context.request();
    boolean done = true;
    boolean retry = false;
    try {
      if (closing) {
        // Not started yet: leave the request uncommitted for the next worker.
        done = false;
        return;
      }
      JobHandle job;
      try {
        job = start(pending);
      } catch (RuntimeException e) {
        // The producer refused the start (e.g. no metadata while Kafka is down): not handled.
        log.warn("Could not start job {}, retrying: {}", request.getJobId(), e.toString());
        done = false;
        retry = true;
        return;
      }
      if (job != null) {
        counters.started.incrementAndGet();
        context.attach(job);
        end(job, context, handle(context));
        if (!job.isEnded() || !awaitAck(job)) {
          // No terminal event, or never acknowledged: committing would lose the job's end.
          log.warn(
              "Job {} attempt {} is not committed: its end was not acknowledged; running it again",
              request.getJobId(),
              pending.attempt);
          done = false;
          retry = true;
          return;
        }
        counters.finished.incrementAndGet();
      }
    } finally {
      running.remove(request.getJobId(), context);
      inFlight.decrementAndGet();
      if (done) {
        offsets.handled(pending.partition, pending.offset);
      } else if (retry && !closing) {
        retryLater(pending);
      }
      // else: closing; the request stays uncommitted and the next worker runs it.
    }
  }

  /**
   * Hands the request back to the loop after a pause, as a new attempt; its offset stays
   * uncommitted until it is handled.
   */
  private void retryLater(PendingStart pending) {
    counters.retried.incrementAndGet();
    CompletableFuture.delayedExecutor(RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (!closing) {
                retries.accept(pending.again());
              }
            });
  }

  private JobHandle start(PendingStart pending) {
    JobRequest request = pending.request;
    try {
      return starter.start(
          request.getJobId(), request.getUserId(), jobType, summary(request), pending.attempt);
    } catch (InvalidEventException e) {
      counters.malformed.incrementAndGet();
      log.warn(
          "Skipping job request at {}@{}: {}", pending.partition, pending.offset, e.getMessage());
      return null;
    }
  }

  /** Runs the handler; what it threw, or {@code null}. */
  private Throwable handle(DefaultJobContext context) {
    try {
      if (!context.isCancelled()) {
        handler.handle(context);
      }
      return null;
    } catch (Throwable t) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return t;
    }
  }

  private String summary(JobRequest request) {
    try {
      return handler.inputSummary(request);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Publishes the terminal event the handler left out (see {@link JobRequestHandler}). */
  private static void end(JobHandle job, DefaultJobContext context, Throwable error) {
    if (job.isEnded()) {
      return;
    }
    try {
      CancelKind kind = context.cancelKind().orElse(null);
      String reason = context.cancellationReason().orElse("");
      if (kind == CancelKind.REQUESTED) {
        job.cancel(reason);
      } else if (kind == CancelKind.SHUTDOWN) {
        job.fail("WORKER_SHUTDOWN", reason, true);
      } else if (error != null) {
        log.warn("Job {} failed in its handler", job.jobId(), error);
        job.fail("WORKER_ERROR", describe(error), false);
      } else {
        job.complete("");
      }
    } catch (RuntimeException e) {
      // The handler ended the job concurrently, or the producer refused the record.
      if (!job.isEnded()) {
        log.error("Could not publish the terminal event of job {}", job.jobId(), e);
      }
    }
  }

  /** Whether every event of the job was acknowledged (waits as long as the producer tries). */
  private static boolean awaitAck(JobHandle job) {
    try {
      job.lastPublished().get(TERMINAL_ACK_SAFETY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      log.error("Events of job {} were not acknowledged: {}", job.jobId(), e.toString());
      return false;
    }
  }

  private static String describe(Throwable t) {
    String text = t.toString();
    return text.length() <= MAX_ERROR_MESSAGE ? text : text.substring(0, MAX_ERROR_MESSAGE);
  }
}
