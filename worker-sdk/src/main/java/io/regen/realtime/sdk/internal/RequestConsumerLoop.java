package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.serde.SchemaUnavailableException;
import io.regen.realtime.sdk.InvalidEventException;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.JobRequestHandler;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.sdk.RequestLoopStats;
import io.regen.realtime.sdk.internal.DefaultJobContext.CancelKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request loop of one job type: one polling thread owning a {@link KafkaConsumer}, a pool of
 * job threads running the handler. Only the polling thread touches the consumer and the offset
 * bookkeeping; job threads report finished records through a queue.
 */
public final class RequestConsumerLoop implements RequestLoop {
  private static final Logger log = LoggerFactory.getLogger(RequestConsumerLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration TERMINAL_ACK_SAFETY_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);
  private static final int MAX_ERROR_MESSAGE = 1000;

  private final RegenWorkerClient client;
  private final String jobType;
  private final JobRequestHandler handler;
  private final LoopSettings settings;
  private final Map<String, Object> consumerConfig;
  private final Deserializer<JobRequest> deserializer;
  private final DedupeMemory dedupe;
  private final KafkaConsumer<String, byte[]> consumer;
  private final ExecutorService jobs;
  private final Map<String, DefaultJobContext> running = new ConcurrentHashMap<>();
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final Set<TopicPartition> rebuilt = ConcurrentHashMap.newKeySet();
  private final Queue<TopicPartitionOffset> handled = new ConcurrentLinkedQueue<>();
  private final Thread pollThread;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong cancels = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean assigned;
  private volatile boolean stopped;
  private boolean paused;

  private record TopicPartitionOffset(TopicPartition partition, long offset) {}

  private RequestConsumerLoop(
      RegenWorkerClient client,
      String jobType,
      JobRequestHandler handler,
      LoopSettings settings,
      Map<String, Object> config,
      Deserializer<JobRequest> deserializer) {
    this.client = client;
    this.jobType = jobType;
    this.handler = handler;
    this.settings = settings;
    this.deserializer = deserializer;
    this.dedupe = new DedupeMemory(settings.dedupeCapacity());
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupIdPrefix() + jobType);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(10, settings.concurrency() * 2));
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "regen-worker-" + client.workerId() + "-" + jobType);
    c.putAll(config);
    this.consumerConfig = Map.copyOf(c);
    this.consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
    AtomicInteger threadNo = new AtomicInteger();
    this.jobs =
        new ThreadPoolExecutor(
            settings.concurrency(),
            settings.concurrency(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "regen-job-" + jobType + "-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.pollThread = new Thread(this::run, "regen-requests-" + jobType);
  }

  /** Creates the loop and starts its polling thread. */
  public static RequestConsumerLoop start(
      RegenWorkerClient client,
      String jobType,
      JobRequestHandler handler,
      LoopSettings settings,
      Map<String, Object> config,
      Deserializer<JobRequest> deserializer) {
    RequestConsumerLoop loop =
        new RequestConsumerLoop(client, jobType, handler, settings, config, deserializer);
    loop.pollThread.start();
    return loop;
  }

  @Override
  public Set<String> jobTypes() {
    return Set.of(jobType);
  }

  @Override
  public boolean isRunning() {
    return !stopped && !closing && pollThread.isAlive();
  }

  @Override
  public boolean isAssigned() {
    return assigned;
  }

  @Override
  public RequestLoopStats stats() {
    return new RequestLoopStats(
        started.get(),
        finished.get(),
        duplicates.get(),
        malformed.get(),
        stale.get(),
        cancels.get(),
        inFlight.get());
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      pollThread.join(settings.drainTimeout().plusSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      consumer.subscribe(List.of(Topics.JOB_REQUESTS.name()), new Rebalance());
      while (!closing) {
        try {
          applyHandled();
          commit(false);
          adjustPause();
          ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
          Set<TopicPartition> rewound = new java.util.HashSet<>();
          for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (rewound.contains(tp)) {
              continue; // after a record to read again, the rest of its partition waits too
            }
            try {
              onRecord(record);
            } catch (SchemaUnavailableException e) {
              log.warn(
                  "Schema registry unavailable reading request {}@{}; reading it again: {}",
                  tp,
                  record.offset(),
                  e.getMessage());
              consumer.seek(tp, record.offset());
              rewound.add(tp);
            }
          }
          if (!rewound.isEmpty()) {
            pauseQuietly();
          }
        } catch (WakeupException e) {
          // close() woke us up; the loop condition ends the loop.
        } catch (org.apache.kafka.common.errors.InterruptException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (RuntimeException e) {
          log.warn("Request loop of '{}' hit an error, continuing: {}", jobType, e.toString());
          pauseQuietly();
        }
      }
    } catch (RuntimeException e) {
      log.error("Request loop of '{}' stopped", jobType, e);
    } finally {
      shutdown();
      stopped = true;
    }
  }

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    PartitionProgress partition = progress.computeIfAbsent(tp, p -> new PartitionProgress());
    long offset = record.offset();
    JobRequest request;
    try {
      request = deserializer.deserialize(record.topic(), record.value());
    } catch (SchemaUnavailableException e) {
      throw e; // the registry is down, not the request: never skipped as malformed
    } catch (RuntimeException e) {
      malformed.incrementAndGet();
      log.warn("Skipping undecodable job request at {}@{}: {}", tp, offset, e.getMessage());
      partition.read(offset, true);
      return;
    }
    if (request == null || blank(request.getJobId()) || blank(request.getUserId())) {
      malformed.incrementAndGet();
      log.warn("Skipping job request without jobId/userId at {}@{}", tp, offset);
      partition.read(offset, true);
      return;
    }
    if (request.getAction() == JobRequestAction.CANCEL) {
      DefaultJobContext context = running.get(request.getJobId());
      if (context != null && context.cancel(CancelKind.REQUESTED, "cancel requested")) {
        cancels.incrementAndGet();
        log.info("Cancelling job {} on request", request.getJobId());
      }
      partition.read(offset, true);
      return;
    }
    if (!jobType.equals(request.getJobType())) {
      partition.read(offset, true);
      return;
    }
    if (dedupe.checkAndRemember(request)) {
      duplicates.incrementAndGet();
      log.info(
          "Skipping duplicate request for job {} (idempotencyKey {}) at {}@{}",
          request.getJobId(),
          request.getIdempotencyKey(),
          tp,
          offset);
      partition.read(offset, true);
      return;
    }
    if (isStale(request)) {
      stale.incrementAndGet();
      log.warn(
          "Failing job {} as {}: requested at {}, older than {}",
          request.getJobId(),
          STALE_CODE,
          request.getRequestedAt(),
          settings.maxRequestAge());
      partition.read(offset, false);
      inFlight.incrementAndGet();
      jobs.execute(() -> failStale(tp, offset, request));
      return;
    }
    DefaultJobContext context = new DefaultJobContext(request, client.workerId());
    running.put(request.getJobId(), context);
    partition.read(offset, false);
    inFlight.incrementAndGet();
    jobs.execute(() -> runJob(tp, offset, context));
  }

  private void runJob(TopicPartition tp, long offset, DefaultJobContext context) {
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
        job = client.startJob(request.getJobId(), request.getUserId(), jobType, summary(request));
      } catch (InvalidEventException e) {
        malformed.incrementAndGet();
        log.warn("Skipping job request at {}@{}: {}", tp, offset, e.getMessage());
        return;
      } catch (RuntimeException e) {
        // The producer refused the start (e.g. no metadata while Kafka is down): not handled.
        log.warn("Could not start job {}, retrying: {}", request.getJobId(), e.toString());
        done = false;
        retry = true;
        return;
      }
      started.incrementAndGet();
      context.attach(job);
      Throwable error = null;
      try {
        if (!context.isCancelled()) {
          handler.handle(context);
        }
      } catch (Throwable t) {
        error = t;
        if (t instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
      end(job, context, error);
      if (!job.isEnded() || !awaitAck(job)) {
        // No terminal event, or never acknowledged: committing would lose the job's end.
        done = false;
        retry = true;
        return;
      }
      finished.incrementAndGet();
    } finally {
      running.remove(request.getJobId(), context);
      inFlight.decrementAndGet();
      if (done) {
        handled.add(new TopicPartitionOffset(tp, offset));
      } else if (retry && !closing) {
        retryLater(tp, offset, request);
      }
      // else: closing, the request stays uncommitted and the next worker runs it.
    }
  }

  /** Runs the request again after a pause; its offset stays uncommitted until it is handled. */
  private void retryLater(TopicPartition tp, long offset, JobRequest request) {
    DefaultJobContext context = new DefaultJobContext(request, client.workerId());
    running.put(request.getJobId(), context);
    inFlight.incrementAndGet();
    jobs.execute(
        () -> {
          try {
            Thread.sleep(RETRY_BACKOFF.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          runJob(tp, offset, context);
        });
  }

  /** Ends a job nobody may wait for any more visibly, instead of leaving it QUEUED forever. */
  private void failStale(TopicPartition tp, long offset, JobRequest request) {
    try {
      JobHandle job =
          client.startJob(request.getJobId(), request.getUserId(), jobType, summary(request));
      job.fail(
          STALE_CODE,
          "request older than " + settings.maxRequestAge() + " when a worker read it; not run",
          false);
      awaitAck(job);
    } catch (RuntimeException e) {
      log.warn("Could not fail stale job {}: {}", request.getJobId(), e.toString());
    } finally {
      inFlight.decrementAndGet();
      handled.add(new TopicPartitionOffset(tp, offset));
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
  private void end(JobHandle job, DefaultJobContext context, Throwable error) {
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

  /**
   * Whether every event of the job was acknowledged. Waits as long as the producer tries (its
   * delivery timeout completes the future); the bound only guards against a future never completed.
   */
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

  private boolean isStale(JobRequest request) {
    Duration maxAge = settings.maxRequestAge();
    Instant requestedAt = request.getRequestedAt();
    return !maxAge.isZero()
        && requestedAt != null
        && requestedAt.isBefore(Instant.now().minus(maxAge));
  }

  private void applyHandled() {
    TopicPartitionOffset next;
    while ((next = handled.poll()) != null) {
      PartitionProgress partition = progress.get(next.partition());
      if (partition != null) {
        partition.handled(next.offset());
      }
    }
  }

  private void commit(boolean sync) {
    commit(progress.keySet(), sync);
  }

  private void commit(Collection<TopicPartition> partitions, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress partition = progress.get(tp);
      long upTo = partition == null ? -1 : partition.committable();
      if (upTo >= 0) {
        offsets.put(tp, new OffsetAndMetadata(upTo));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      if (sync) {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
      } else {
        consumer.commitAsync(
            offsets,
            (committed, error) -> {
              if (error != null) {
                log.warn(
                    "Committing request offsets of '{}' failed: {}", jobType, error.toString());
              }
            });
      }
      // Async failures are retried by the next commit, which covers at least the same offsets.
      offsets.forEach((tp, o) -> progress.get(tp).committedUpTo(o.offset()));
    } catch (RuntimeException e) {
      log.warn("Committing request offsets of '{}' failed: {}", jobType, e.toString());
    }
  }

  /** Stops reading while the job threads have enough to do, keeping the group membership. */
  private void adjustPause() {
    boolean full = inFlight.get() >= settings.concurrency() * 2;
    if (full && !paused) {
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (!full && paused) {
      consumer.resume(consumer.paused());
      paused = false;
    } else if (full) {
      consumer.pause(consumer.assignment()); // partitions assigned since the last pause
    }
  }

  private void pauseQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdown() {
    jobs.shutdown();
    try {
      if (!jobs.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.info(
            "Cancelling {} running job(s) of '{}': worker shutting down", running.size(), jobType);
        running.values().forEach(c -> c.cancel(CancelKind.SHUTDOWN, "worker shutting down"));
        if (!jobs.awaitTermination(10, TimeUnit.SECONDS)) {
          jobs.shutdownNow();
          jobs.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      jobs.shutdownNow();
    }
    try {
      applyHandled();
      commit(true);
    } catch (RuntimeException e) {
      log.warn("Final commit of '{}' failed: {}", jobType, e.toString());
    }
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    } catch (RuntimeException e) {
      log.warn("Closing the request consumer of '{}' failed: {}", jobType, e.toString());
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      applyHandled();
      commit(partitions, true);
      partitions.forEach(progress::remove);
      // Another worker may handle requests there meanwhile: rebuild when it comes back.
      rebuilt.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(progress::remove);
      rebuilt.removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        progress.put(tp, new PartitionProgress());
      }
      Set<TopicPartition> toRebuild = new java.util.HashSet<>(partitions);
      toRebuild.removeAll(rebuilt);
      if (!toRebuild.isEmpty() && settings.dedupeLookback() > 0) {
        try {
          Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(toRebuild);
          DedupeRebuilder.rebuild(
              consumerConfig,
              committed,
              settings.dedupeLookback(),
              deserializer,
              jobType,
              dedupe,
              Duration.ofSeconds(30));
          rebuilt.addAll(toRebuild);
        } catch (RuntimeException e) {
          log.warn(
              "Could not rebuild the duplicate filter of '{}' from earlier requests: {}",
              jobType,
              e.toString());
        }
      }
      assigned = true;
    }
  }
}
