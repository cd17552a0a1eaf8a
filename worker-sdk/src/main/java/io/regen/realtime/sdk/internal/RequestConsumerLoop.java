package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.serde.SchemaUnavailableException;
import io.regen.realtime.sdk.JobRequestHandler;
import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.sdk.RequestLoopStats;
import io.regen.realtime.sdk.internal.RequestTriage.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * The request loop of one job type: one polling thread owning a {@link KafkaConsumer}, which
 * decodes and {@linkplain RequestTriage triages} each request, hands jobs to the {@link JobRunner}
 * and commits what the {@link OffsetBook} allows. Only the polling thread touches the consumer.
 */
public final class RequestConsumerLoop implements RequestLoop {
  private static final Logger log = LoggerFactory.getLogger(RequestConsumerLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  private final String jobType;
  private final LoopSettings settings;
  private final Map<String, Object> consumerConfig;
  private final Deserializer<JobRequest> deserializer;
  private final DedupeMemory dedupe;
  private final KafkaConsumer<String, byte[]> consumer;
  private final OffsetBook offsets = new OffsetBook();
  private final LoopCounters counters = new LoopCounters();
  private final JobRunner jobs;
  private final Set<TopicPartition> rebuilt = ConcurrentHashMap.newKeySet();
  // Jobs to start once their attempt is marked: read here, or handed back by a job thread to run
  // again. Only the polling thread takes from it.
  private final Queue<PendingStart> toStart = new ConcurrentLinkedQueue<>();
  private final Thread pollThread;
  private volatile boolean closing;
  private volatile boolean assigned;
  private volatile boolean stopped;
  private boolean paused;

  private RequestConsumerLoop(
      String jobType,
      JobRequestHandler handler,
      JobStarter starter,
      String workerId,
      LoopSettings settings,
      Map<String, Object> consumerConfig,
      Deserializer<JobRequest> deserializer) {
    this.jobType = jobType;
    this.settings = settings;
    this.deserializer = deserializer;
    this.dedupe = new DedupeMemory(settings.dedupeCapacity());
    this.consumerConfig = Map.copyOf(consumerConfig);
    this.consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
    this.jobs =
        new JobRunner(
            jobType,
            workerId,
            settings.concurrency(),
            handler,
            starter,
            offsets,
            counters,
            toStart::add);
    this.pollThread = new Thread(this::run, "regen-requests-" + jobType);
  }

  /**
   * Creates the loop and starts its polling thread.
   *
   * @param consumerConfig the complete consumer configuration (see {@link RequestConsumerConfig})
   */
  public static RequestConsumerLoop start(
      String jobType,
      JobRequestHandler handler,
      JobStarter starter,
      String workerId,
      LoopSettings settings,
      Map<String, Object> consumerConfig,
      Deserializer<JobRequest> deserializer) {
    RequestConsumerLoop loop =
        new RequestConsumerLoop(
            jobType, handler, starter, workerId, settings, consumerConfig, deserializer);
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
    return counters.snapshot(jobs.inFlight());
  }

  @Override
  public void close() {
    closing = true;
    jobs.stopStartingJobs();
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
          pollOnce();
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

  private void pollOnce() {
    commit(offsets.committable(), false);
    adjustPause();
    Set<TopicPartition> rewound = new HashSet<>();
    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
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
    startPending();
    if (!rewound.isEmpty()) {
      pauseQuietly();
    }
  }

  /**
   * Starts the queued jobs: each gets its attempt (one more than the last marked for its request),
   * the marks are committed and waited for, then the jobs go to the runner. A job whose marks
   * cannot be committed yet waits for the next poll, so a run is never published under an attempt
   * number a later worker could not see.
   */
  private void startPending() {
    if (toStart.isEmpty()) {
      return;
    }
    List<PendingStart> batch = takeAndNumber();
    if (!commitMarks(batch)) {
      toStart.addAll(batch);
      return;
    }
    for (PendingStart start : batch) {
      if (start.attempt == 0) {
        toStart.add(start); // its partition's marks are still unknown
        continue;
      }
      if (start.attempt > 1) {
        log.info(
            "Running job {} again as attempt {} (request {}@{})",
            start.request.getJobId(),
            start.attempt,
            start.partition,
            start.offset);
      }
      jobs.submit(start);
    }
  }

  /** The queued starts still owned by this assignment, each given its attempt where known. */
  private List<PendingStart> takeAndNumber() {
    List<PendingStart> batch = new ArrayList<>();
    List<PendingStart> held = new ArrayList<>();
    PendingStart next;
    while ((next = toStart.poll()) != null) {
      if (offsets.awaitingAssignment(next.partition)) {
        held.add(next); // the rebalance is under way: the partition may come back here
        continue;
      }
      if (next.token == null || offsets.token(next.partition) != next.token) {
        // Another consumer held the partition since it was read: its owner runs the request.
        log.info(
            "Not starting job {}: request partition {} went to another consumer meanwhile",
            next.request.getJobId(),
            next.partition);
        continue;
      }
      boolean known =
          offsets.attemptsKnown(next.partition) || restoreAttempts(Set.of(next.partition));
      if (known && next.attempt == 0) {
        next.attempt = offsets.nextAttempt(next.partition, next.offset);
      }
      batch.add(next);
    }
    toStart.addAll(held);
    return batch;
  }

  /** Commits (and waits for) the attempt marks of the batch's partitions; whether it could. */
  private boolean commitMarks(List<PendingStart> batch) {
    Set<TopicPartition> partitions = new HashSet<>();
    batch.stream().filter(p -> p.attempt > 0).forEach(p -> partitions.add(p.partition));
    Map<TopicPartition, OffsetAndMetadata> marks = offsets.marks(partitions);
    if (marks.isEmpty()) {
      return true;
    }
    try {
      consumer.commitSync(marks, Duration.ofSeconds(10));
      offsets.committed(marks);
      return true;
    } catch (WakeupException e) {
      toStart.addAll(batch);
      throw e;
    } catch (RuntimeException e) {
      log.warn(
          "Cannot mark the attempts of {} job(s) of '{}' yet, not starting them: {}",
          batch.size(),
          jobType,
          e.toString());
      return false;
    }
  }

  /** Reads the attempt marks of the group's commits on {@code partitions}; whether it could. */
  private boolean restoreAttempts(Set<TopicPartition> partitions) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(partitions, Duration.ofSeconds(10));
      for (TopicPartition tp : partitions) {
        try {
          offsets.restore(tp, committed.get(tp));
        } catch (IllegalArgumentException e) {
          // Not ours (another tool committed there): no job of this offset ran under a mark.
          log.warn("Ignoring commit metadata of {}: {}", tp, e.getMessage());
          offsets.restore(tp, null);
        }
      }
      return true;
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("Cannot read the committed offsets of {} yet: {}", partitions, e.toString());
      return false;
    }
  }

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    long offset = record.offset();
    JobRequest request;
    try {
      request = deserializer.deserialize(record.topic(), record.value());
    } catch (SchemaUnavailableException e) {
      throw e; // the registry is down, not the request: never skipped as malformed
    } catch (RuntimeException e) {
      counters.malformed.incrementAndGet();
      log.warn("Skipping undecodable job request at {}@{}: {}", tp, offset, e.getMessage());
      offsets.read(tp, offset, true);
      return;
    }
    String position = DedupeMemory.position(tp.topic(), tp.partition(), offset);
    // A request read again at its own position (its partition was lost, or held by another
    // consumer that did not commit it) is not a duplicate of itself: it must run.
    Verdict verdict =
        RequestTriage.triage(
            request,
            jobType,
            r -> dedupe.seen(r, position),
            Instant.now(),
            settings.maxRequestAge());
    if (verdict.remembered()) {
      dedupe.remember(request, position);
    }
    act(verdict, request, tp, offset);
  }

  private void act(Verdict verdict, JobRequest request, TopicPartition tp, long offset) {
    switch (verdict) {
      case MALFORMED -> {
        counters.malformed.incrementAndGet();
        log.warn("Skipping job request without jobId/userId at {}@{}", tp, offset);
      }
      case CANCEL -> {
        if (jobs.cancel(request.getJobId())) {
          counters.cancels.incrementAndGet();
          log.info("Cancelling job {} on request", request.getJobId());
        }
      }
      case OTHER_TYPE -> {
        // Another job type's group handles it.
      }
      case DUPLICATE -> {
        counters.duplicates.incrementAndGet();
        log.info(
            "Skipping duplicate request for job {} (idempotencyKey {}) at {}@{}",
            request.getJobId(),
            request.getIdempotencyKey(),
            tp,
            offset);
      }
      case STALE -> {
        counters.stale.incrementAndGet();
        log.warn(
            "Failing job {} as {}: requested at {}, older than {}",
            request.getJobId(),
            STALE_CODE,
            request.getRequestedAt(),
            settings.maxRequestAge());
        offsets.read(tp, offset, false);
        toStart.add(
            new PendingStart(tp, offset, request, settings.maxRequestAge(), offsets.token(tp)));
        return;
      }
      case RUN -> {
        offsets.read(tp, offset, false);
        toStart.add(new PendingStart(tp, offset, request, null, offsets.token(tp)));
        return;
      }
    }
    offsets.read(tp, offset, true);
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> toCommit, boolean sync) {
    if (toCommit.isEmpty()) {
      return;
    }
    try {
      if (sync) {
        consumer.commitSync(toCommit, Duration.ofSeconds(10));
      } else {
        consumer.commitAsync(
            toCommit,
            (committed, error) -> {
              if (error != null) {
                log.warn(
                    "Committing request offsets of '{}' failed: {}", jobType, error.toString());
              }
            });
      }
      offsets.committed(toCommit);
    } catch (RuntimeException e) {
      log.warn("Committing request offsets of '{}' failed: {}", jobType, e.toString());
    }
  }

  /** Stops reading while the job threads have enough to do, keeping the group membership. */
  private void adjustPause() {
    boolean full = jobs.inFlight() + toStart.size() >= settings.concurrency() * 2;
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
    jobs.shutdown(settings.drainTimeout());
    try {
      commit(offsets.committable(), true);
    } catch (RuntimeException e) {
      log.warn("Final commit of '{}' failed: {}", jobType, e.toString());
    }
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    } catch (RuntimeException e) {
      log.warn("Closing the request consumer of '{}' failed: {}", jobType, e.toString());
    }
  }

  private void rebuildDedupe(Collection<TopicPartition> partitions) {
    Set<TopicPartition> toRebuild = new HashSet<>(partitions);
    toRebuild.removeAll(rebuilt);
    if (toRebuild.isEmpty() || settings.dedupeLookback() <= 0) {
      return;
    }
    try {
      DedupeRebuilder.rebuild(
          consumerConfig,
          consumer.committed(toRebuild),
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

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      log.info("Request partitions of '{}' revoked: {}", jobType, partitions);
      commit(offsets.committable(partitions), true);
      offsets.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.info("Request partitions of '{}' lost: {}", jobType, partitions);
      offsets.lost(partitions);
      rebuilt.removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<TopicPartition, Long> kept = offsets.assigned(partitions);
      log.info(
          "Request partitions of '{}' assigned: {} (back to this worker, read on at: {})",
          jobType,
          partitions,
          kept);
      // Back to this consumer: read on where it stopped; its jobs and retries carry on.
      kept.forEach(consumer::seek);
      Set<TopicPartition> fresh = new HashSet<>(partitions);
      fresh.removeAll(kept.keySet());
      // Another worker may have handled requests there meanwhile: rebuild the duplicate filter.
      rebuilt.removeAll(fresh);
      if (!fresh.isEmpty()) {
        restoreAttempts(fresh); // else retried before a job there starts
      }
      rebuildDedupe(fresh);
      assigned = true;
    }
  }
}
