package io.regen.realtime.gateway.replay;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.jobs.JobDirectory;
import io.regen.realtime.gateway.jobs.JobLookupException;
import io.regen.realtime.gateway.jobs.JobRecord;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.kafka.JobEventDecoder;
import io.regen.realtime.gateway.kafka.RecordNotYetDecodableException;
import io.regen.realtime.gateway.kafka.RegistryBackoff;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.gateway.protocol.ServerFrames.UnknownPayloadException;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.kafka.LogHorizon;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a job's events from the topic. The job's first position comes from the {@link
 * JobDirectory}; a reader from a small pool (one consumer per pool thread, reused) seeks there —
 * never to the partition's start — and reads the owner's records, keeping the job's events with
 * {@code seq >= fromSeq} in increasing seq order (a duplicate seq is sent once), until the job's
 * last known offset, its terminal event, or the end of the partition as it was when the replay
 * began.
 */
public final class KafkaJobReplay implements JobReplay, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaJobReplay.class);

  private final Topic<String, JobEvent> topic;
  private final GatewayKafkaClients clients;
  private final JobEventDecoder decoder;
  private final JobDirectory directory;
  private final DeliveryProperties props;
  private final DeliveryMetrics metrics;
  private final ReplayListener listener;
  private final ServerFrames frames = new ServerFrames();
  private final ExecutorService pool;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "replay-write-timer");
            t.setDaemon(true);
            return t;
          });

  /** {@code truncated} of a {@code replay_end} that stopped at the scan budget. */
  private final ReplayProperties limits;

  private final ReplayAdmission admission;
  private final ThreadLocal<KafkaConsumer<String, byte[]>> readers = new ThreadLocal<>();
  private final List<KafkaConsumer<String, byte[]>> allReaders =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  public KafkaJobReplay(
      Topic<String, JobEvent> topic,
      GatewayKafkaClients clients,
      Deserializer<JobEvent> valueDeserializer,
      JobDirectory directory,
      DeliveryProperties props,
      ReplayProperties limits,
      DeliveryMetrics metrics,
      ReplayListener listener) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.admission = new ReplayAdmission(limits.perUser());
    this.topic = Objects.requireNonNull(topic, "topic");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.props = Objects.requireNonNull(props, "props");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.decoder =
        new JobEventDecoder(valueDeserializer, metrics::undecodable, metrics::registryUnavailable);
    this.directory = Objects.requireNonNull(directory, "directory");
    this.listener = listener == null ? ReplayListener.NONE : listener;
    AtomicInteger n = new AtomicInteger();
    int readers = limits.readersOr(props.replayReaders());
    // Bounded: a few readers, a short queue; beyond that a replay is refused, not queued forever.
    this.pool =
        new ThreadPoolExecutor(
            readers,
            readers,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(readers * 16),
            r -> {
              Thread t = new Thread(r, "replay-reader-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public CompletableFuture<Long> replay(
      ClientSession session, AuthenticatedUser user, String replayId, String jobId, long fromSeq) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    ReplayAdmission.Permit permit;
    try {
      permit = admit(user.userId());
    } catch (ReplayRefusedException e) {
      return CompletableFuture.failedFuture(e);
    }
    result.whenComplete((count, error) -> permit.close());
    try {
      pool.execute(
          () -> {
            try {
              JobRecord job = authorize(user, jobId, session.accessToken());
              metrics.replay();
              ReadResult read =
                  read(
                      jobId,
                      job,
                      fromSeq,
                      (event, position) ->
                          offerWithin(session, frames.replayFrame(event, position, replayId)));
              String end =
                  frames.replayEndFrame(
                      replayId, jobId, read.sent(), read.truncated(), read.scanBudgetReached());
              if (!offerWithin(session, end)) {
                throw new IllegalStateException("session closed or stalled before replay_end");
              }
              result.complete(read.sent());
            } catch (Throwable e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new ReplayRefusedException("too many replays in progress on this node; retry"));
    }
    return result;
  }

  /**
   * Locates a job and checks that {@code user} may read it (owner or analyst). Blocks on the job
   * directory: call it off the socket's thread.
   *
   * @throws JobAccessException not found or forbidden
   * @throws IllegalStateException the directory cannot answer now
   */
  public JobRecord authorize(AuthenticatedUser user, String jobId, String bearerToken) {
    try {
      return authorizeAsync(user, jobId, bearerToken).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /**
   * {@link #authorize} without waiting: the future completes on the directory's thread (an HTTP
   * client's, when it asks the query API) and fails with the exceptions {@code authorize} throws.
   * The history endpoint uses it so that no Jetty thread waits for the query API — which in {@code
   * regen up} is served by the same, bounded, Jetty pool.
   */
  public CompletableFuture<JobRecord> authorizeAsync(
      AuthenticatedUser user, String jobId, String bearerToken) {
    if (jobId == null || jobId.isBlank()) {
      return CompletableFuture.failedFuture(JobAccessException.notFound("no job id"));
    }
    CompletableFuture<Optional<JobRecord>> located;
    try {
      located = directory.locate(jobId, bearerToken);
    } catch (RuntimeException e) {
      located = CompletableFuture.failedFuture(e);
    }
    return located.handle(
        (found, error) -> {
          if (error != null) {
            Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            if (cause instanceof JobLookupException lookup
                && lookup.reason() == JobLookupException.Reason.FORBIDDEN) {
              throw JobAccessException.forbidden("not allowed to read job " + jobId);
            }
            throw new IllegalStateException(
                "cannot locate job " + jobId + ": " + cause.getMessage(), cause);
          }
          JobRecord job =
              found.orElseThrow(() -> JobAccessException.notFound("unknown job " + jobId));
          try {
            AccessRules.requireReaderOf(user, job.userId());
          } catch (AccessDeniedException e) {
            throw JobAccessException.forbidden("job " + jobId + " belongs to another user");
          }
          return job;
        });
  }

  /** Sink of one replayed event; false stops the read. */
  @FunctionalInterface
  public interface EventSink {
    boolean accept(JobEvent event, LogPosition position);

    /**
     * Called once, before any event, when the job's first event is already gone (before the log
     * start: deleted by retention), with the first position still in the log: what follows is not
     * the job's whole history.
     */
    default void truncated(LogPosition firstAvailable) {}
  }

  /**
   * What a read returned.
   *
   * @param sent events the sink accepted
   * @param truncated the job's first event was before the log start: earlier events are gone
   * @param scanBudgetReached the read stopped at {@link ReplayProperties#scanBudget()} records,
   *     before the job's end: later events of the job may exist
   */
  public record ReadResult(long sent, boolean truncated, boolean scanBudgetReached) {}

  /**
   * Reads the job's events with {@code seq >= fromSeq} from its first position into the sink, on
   * the calling thread.
   */
  public ReadResult read(String jobId, JobRecord job, long fromSeq, EventSink sink) {
    LogPosition first = job.firstPosition();
    KafkaConsumer<String, byte[]> consumer = reader();
    TopicPartition tp = new TopicPartition(topic.name(), first.partition());
    consumer.assign(List.of(tp));
    long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
    long logStart = LogHorizon.logStartOffset(consumer, tp, Duration.ofSeconds(10));
    // Seeking before the log start would silently restart at it and look complete.
    boolean truncated = logStart > first.offset();
    if (truncated) {
      sink.truncated(new LogPosition(first.partition(), logStart));
    }
    long stopAfter = job.lastOffset() >= 0 ? Math.min(job.lastOffset(), end - 1) : end - 1;
    consumer.seek(tp, Math.max(first.offset(), logStart));
    JobScan scan = new JobScan(jobId, job, fromSeq, stopAfter, sink);
    boolean done = first.offset() > stopAfter;
    ReadStall stall = new ReadStall(props.replayStallTimeout());
    RegistryBackoff backoff = new RegistryBackoff();
    // A registry outage longer than the stall timeout fails the replay (an error, not a gap).
    long unavailableSince = 0;
    try {
      while (!done) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          long position = consumer.position(tp);
          if (position > stopAfter) {
            break;
          }
          // Records exist up to stopAfter: nothing coming is a stall (an error), never the end.
          stall.empty(System.nanoTime(), position, stopAfter);
          continue;
        }
        stall.progressed();
        for (ConsumerRecord<String, byte[]> r : records) {
          boolean finished;
          try {
            finished = scan.take(r);
            backoff.reset();
          } catch (RecordNotYetDecodableException e) {
            if (unavailableSince == 0) {
              unavailableSince = System.nanoTime();
            } else if (System.nanoTime() - unavailableSince
                > props.replayStallTimeout().toNanos()) {
              throw new IllegalStateException(
                  "replay of job " + jobId + " stopped: schema registry unavailable", e);
            }
            // Never past it: read it again once the registry answers.
            consumer.seek(tp, r.offset());
            LockSupport.parkNanos(backoff.nextDelayNanos());
            break;
          }
          unavailableSince = 0;
          if (finished) {
            done = true;
            break;
          }
        }
        done = done || consumer.position(tp) > stopAfter;
      }
    } finally {
      consumer.assign(List.of());
      listener.onReplayRead(jobId, job, scan.firstRead, scan.scanned, scan.sent);
    }
    return new ReadResult(scan.sent, truncated, scan.budgetReached);
  }

  /** One read's progress through the partition: which records it scanned and what it sent. */
  private final class JobScan {
    private final String jobId;
    private final JobRecord job;
    private final long stopAfter;
    private final EventSink sink;
    private long lastSeq;
    private int lastAttempt = 1;
    long firstRead = -1;
    long scanned;
    long sent;
    boolean budgetReached;

    JobScan(String jobId, JobRecord job, long fromSeq, long stopAfter, EventSink sink) {
      this.jobId = jobId;
      this.job = job;
      this.stopAfter = stopAfter;
      this.sink = sink;
      this.lastSeq = fromSeq - 1;
    }

    /** Handles one record; true when the read is done. */
    boolean take(ConsumerRecord<String, byte[]> r) {
      if (firstRead < 0) {
        firstRead = r.offset();
      }
      if (r.offset() > stopAfter) {
        return true;
      }
      if (scanned >= limits.scanBudget()) {
        budgetReached = true;
        return true;
      }
      // May throw RecordNotYetDecodableException: the record is read again, not counted twice.
      JobEvent event = job.userId().equals(r.key()) ? decoder.decode(r) : null;
      scanned++;
      if (event == null || !jobId.equals(event.getJobId())) {
        return false;
      }
      if (event.getAttempt() > lastAttempt) {
        // The job was run again from seq 0: its newer attempt is sent from its start.
        lastAttempt = event.getAttempt();
        lastSeq = -1;
      }
      if (event.getAttempt() == lastAttempt && event.getSeq() > lastSeq) {
        lastSeq = event.getSeq();
        if (!send(event, r)) {
          return false;
        }
        if (++sent >= props.replayMaxEvents()) {
          return true;
        }
      }
      return EventTypes.isTerminal(event.getPayload()) || r.offset() >= stopAfter;
    }

    /** Sends one event; false when its payload cannot be encoded (skipped, counted). */
    private boolean send(JobEvent event, ConsumerRecord<String, byte[]> r) {
      try {
        if (!sink.accept(event, new LogPosition(r.partition(), r.offset()))) {
          throw new IllegalStateException("replay stopped: the client went away or stalled");
        }
        return true;
      } catch (UnknownPayloadException e) {
        metrics.unknownPayload();
        return false;
      }
    }
  }

  private KafkaConsumer<String, byte[]> reader() {
    KafkaConsumer<String, byte[]> c = readers.get();
    if (c == null) {
      c = clients.consumer("gateway-replay-" + Thread.currentThread().getName(), "earliest");
      readers.set(c);
      allReaders.add(c);
    }
    return c;
  }

  /**
   * Offers a frame, waiting while the client's buffer is full, up to the stall timeout. The first
   * waits are short: a reading client drains a full buffer (1,024 frames) in a few milliseconds,
   * and a replay that sleeps longer than that runs at the speed of its sleeps; only a client that
   * stays full is polled less often (up to every 50 ms).
   */
  private boolean offerWithin(ClientSession session, String frame) {
    long deadline = System.nanoTime() + props.replayStallTimeout().toNanos();
    long parkNanos = TimeUnit.MICROSECONDS.toNanos(50);
    while (!session.offer(frame)) {
      if (!session.isOpen() || System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(parkNanos);
      parkNanos = Math.min(parkNanos * 2, TimeUnit.MILLISECONDS.toNanos(50));
    }
    metrics.framesSent(1);
    return true;
  }

  /**
   * A replay slot of {@code userId} (WebSocket replays and histories share them).
   *
   * @throws ReplayRefusedException the user already runs as many as allowed
   */
  public ReplayAdmission.Permit admit(String userId) {
    return admission.acquire(userId);
  }

  /** Runs {@code work} on the replay pool (bounded), for callers that stream elsewhere. */
  public <T> CompletableFuture<T> onReaderPool(java.util.function.Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            try {
              f.complete(work.get());
            } catch (Throwable e) {
              f.completeExceptionally(e);
            } finally {
              Thread.interrupted(); // a cut history write interrupts; the next task must not see it
            }
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(
          new ReplayRefusedException("too many replays in progress on this node; retry"));
    }
    return f;
  }

  ReplayProperties limits() {
    return limits;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  ServerFrames frames() {
    return frames;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (allReaders) {
      for (KafkaConsumer<String, byte[]> c : allReaders) {
        try {
          c.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
          log.debug("closing a replay reader", e);
        }
      }
    }
  }
}
