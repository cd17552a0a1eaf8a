package io.regen.realtime.sdk;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.kafka.PartitionCountGuard;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.sdk.internal.CompositeRequestLoop;
import io.regen.realtime.sdk.internal.EventValidator;
import io.regen.realtime.sdk.internal.LoopSettings;
import io.regen.realtime.sdk.internal.RequestConsumerConfig;
import io.regen.realtime.sdk.internal.RequestConsumerLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The entry point of the worker SDK: publishes job events to {@code jobs.events.v1} and runs
 * handlers for job requests from {@code jobs.requests.v1}.
 *
 * <pre>{@code
 * try (RegenWorkerClient client = RegenWorkerClient.builder()
 *     .bootstrapServers("localhost:9092")
 *     .schemaRegistry("http://localhost:8081")
 *     .workerId("model-1")
 *     .build()) {
 *   JobHandle job = client.startJob(jobId, userId, "model", "summarise the report");
 *   job.progress(10, "thinking");
 *   job.modelChunk("regen-small", 0, "Hello", false);
 *   job.complete("done").join();
 * }
 * }</pre>
 *
 * <p>Events: key = userId (so all of a user's events share a partition, in order), eventId = a
 * random UUID, occurredAt = now, producer = the worker id, seq = 0, 1, 2, ... per job. The producer
 * is idempotent with acks=all, so a retried send neither duplicates nor reorders events.
 *
 * <p>Thread-safe; one client per worker process is enough. {@link #close()} stops the request
 * loops, then flushes and closes the producer.
 */
public final class RegenWorkerClient implements AutoCloseable {
  private final String workerId;
  private final Producer<String, JobEvent> producer;
  private final PartitionCountGuard eventPartitions =
      new PartitionCountGuard(Topics.JOB_EVENTS.name());
  private final EventValidator validator;
  private final Clock clock;
  private final KafkaClientConfigs kafka;
  private final SchemaRegistryClient registry;
  private final Map<String, Object> consumerOverrides;
  private final LoopSettings loopSettings;
  private final List<RequestLoop> loops = new CopyOnWriteArrayList<>();

  private RegenWorkerClient(Builder b) {
    this.workerId = b.workerId;
    this.validator = new EventValidator(b.limits);
    this.clock = b.clock;
    this.kafka = b.kafkaClients();
    this.registry = b.registry;
    this.consumerOverrides = Map.copyOf(b.consumerOverrides);
    this.loopSettings =
        new LoopSettings(
            b.groupIdPrefix,
            b.concurrency,
            b.dedupeCapacity,
            b.dedupeLookback,
            b.drainTimeout,
            b.maxRequestAge);
    this.producer = b.producer != null ? b.producer : createProducer(b, kafka);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The id written as {@code producer} into every event. */
  public String workerId() {
    return workerId;
  }

  /** The limits events are validated against. */
  public EventLimits limits() {
    return validator.limits();
  }

  /**
   * Starts a job: publishes {@code job:started:v1} with seq 0 and returns the handle for its
   * further events ({@link JobHandle#started()} is the acknowledgement of the start).
   *
   * @throws InvalidEventException when an id is missing/blank or too long, or the summary makes the
   *     event too large; nothing is sent then
   */
  public JobHandle startJob(String jobId, String userId, String jobType, String inputSummary) {
    return startJob(jobId, userId, jobType, inputSummary, 1);
  }

  /**
   * Starts run {@code attempt} of a job (seq 0 again): readers drop what an older attempt published
   * and follow this one. The request loops count attempts themselves (see {@link
   * #handleRequests(Set, JobRequestHandler)}); call this only when running a job again by hand.
   *
   * @throws InvalidEventException as {@link #startJob(String, String, String, String)}, or when
   *     {@code attempt < 1}
   */
  public JobHandle startJob(
      String jobId, String userId, String jobType, String inputSummary, int attempt) {
    String context = "Invalid job:started:v1 event for job " + jobId;
    validator.requireId("jobId", jobId, context);
    validator.requireId("userId", userId, context);
    validator.requireId("jobType", jobType, context);
    if (attempt < 1) {
      throw new InvalidEventException(context + ": attempt must be >= 1, was " + attempt);
    }
    JobHandle job = new JobHandle(this, validator, jobId, userId, jobType, attempt, now());
    job.start(inputSummary);
    return job;
  }

  /** {@link #handleRequests(Set, JobRequestHandler)} for one job type. */
  public RequestLoop handleRequests(String jobType, JobRequestHandler handler) {
    return handleRequests(Set.of(jobType), handler);
  }

  /**
   * Starts consuming {@code jobs.requests.v1} and runs {@code handler} for each START request of
   * the given job types, with one consumer group per job type ({@code regen-workers-<jobType>}).
   *
   * <p>Guarantees:
   *
   * <ul>
   *   <li>At-least-once: a request's offset is committed only after its job finished and its
   *       terminal event was acknowledged (or after it was recognised as a duplicate, a CANCEL, not
   *       this worker's type, stale or malformed), committing per partition the contiguous prefix
   *       of handled records.
   *   <li>No job starts twice for duplicate requests: a START request is skipped when an earlier
   *       request had the same jobId, or the same userId and idempotencyKey. The memory of earlier
   *       requests is bounded (100,000 keys by default) and rebuilt when partitions are assigned by
   *       reading the last {@code dedupeLookback} (10,000 by default) records before the group's
   *       committed position, so it survives a restart of the worker. Not covered: idempotencyKey
   *       duplicates that land on partitions held by different workers of the same type (requests
   *       are keyed by jobId; for different jobIds with one idempotencyKey, the request read first
   *       wins).
   *   <li>A job run again (its worker was killed mid-job, or its end was not acknowledged) is the
   *       next attempt: seq starts at 0 again with {@code attempt} one higher, and readers follow
   *       the latest attempt. The count is kept with the committed offsets (metadata of the request
   *       partition's commit, written synchronously before a job's start is published), so it is
   *       right after a crash too.
   *   <li>A CANCEL request cancels the running (or queued) job with its jobId in this worker.
   *   <li>Undecodable records and requests without ids are logged and skipped (counted in {@link
   *       RequestLoopStats#malformedSkipped()}); they never stop the loop. A request that cannot be
   *       read because the schema registry is unavailable is not malformed: it is read again (about
   *       once a second) until the registry answers.
   * </ul>
   *
   * @throws IllegalStateException when the client was built without bootstrap servers or registry
   */
  public RequestLoop handleRequests(Set<String> jobTypes, JobRequestHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (jobTypes == null || jobTypes.isEmpty()) {
      throw new IllegalArgumentException("at least one job type is required");
    }
    for (String type : jobTypes) {
      validator.requireId("jobType", type, "Cannot handle requests");
    }
    if (kafka == null || registry == null) {
      throw new IllegalStateException(
          "handleRequests needs bootstrapServers and a schema registry on the builder");
    }
    Deserializer<JobRequest> deserializer =
        new RegistrySerdes(registry).valueDeserializer(Topics.JOB_REQUESTS);
    List<RequestLoop> perType = new ArrayList<>();
    for (String type : new TreeSet<>(jobTypes)) {
      Map<String, Object> config =
          RequestConsumerConfig.of(kafka, loopSettings, workerId, type, consumerOverrides);
      perType.add(
          RequestConsumerLoop.start(
              type, handler, this::startJob, workerId, loopSettings, config, deserializer));
    }
    RequestLoop loop =
        perType.size() == 1
            ? perType.get(0)
            : new CompositeRequestLoop(new LinkedHashSet<>(jobTypes), perType);
    loops.add(loop);
    return loop;
  }

  /** Waits until every event sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  /** Stops the request loops (see {@link RequestLoop#close()}), then flushes and closes. */
  @Override
  public void close() {
    for (RequestLoop loop : loops) {
      loop.close();
    }
    producer.close(Duration.ofSeconds(30));
  }

  /** Now, in the millisecond precision of {@code occurredAt}. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Sends one validated event. Throws only when the producer refused the record synchronously
   * (nothing was sent); asynchronous failures complete the returned future exceptionally.
   */
  CompletableFuture<Published> send(JobEvent event) {
    // The producer's metadata follows added partitions; readers compute a user's partition from
    // the count they started with. Refuse rather than move a user to another partition.
    int partitions = producer.partitionsFor(Topics.JOB_EVENTS.name()).size();
    if (partitions > 0) { // 0: a test producer without cluster metadata
      eventPartitions.check(partitions);
    }
    CompletableFuture<Published> ack = new CompletableFuture<>();
    long seq = event.getSeq();
    producer.send(
        new ProducerRecord<>(Topics.JOB_EVENTS.name(), event.getUserId(), event),
        (metadata, error) -> {
          if (error != null) {
            ack.completeExceptionally(error);
          } else {
            ack.complete(new Published(metadata.partition(), metadata.offset(), seq));
          }
        });
    return ack;
  }

  private static Producer<String, JobEvent> createProducer(Builder b, KafkaClientConfigs kafka) {
    Map<String, Object> config = kafka.producer("regen-worker-" + b.workerId);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, b.lingerMs);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, b.compressionType);
    config.putAll(b.producerOverrides);
    return new KafkaProducer<>(
        config,
        new StringSerializer(),
        new RegistrySerdes(b.registry).valueSerializer(Topics.JOB_EVENTS));
  }

  /**
   * Builds a {@link RegenWorkerClient}; {@code workerId} and either servers+registry or a producer.
   */
  public static final class Builder {
    private String bootstrapServers;
    private KafkaClientConfigs kafkaClients;
    private SchemaRegistryClient registry;
    private String workerId;
    private int lingerMs = 2;
    private String compressionType = "none";
    private EventLimits limits = EventLimits.DEFAULT;
    private final Map<String, Object> producerOverrides = new HashMap<>();
    private final Map<String, Object> consumerOverrides = new HashMap<>();
    private Producer<String, JobEvent> producer;
    private Clock clock = Clock.systemUTC();
    private String groupIdPrefix = "regen-workers-";
    private int concurrency = 4;
    private int dedupeCapacity = 100_000;
    private int dedupeLookback = 10_000;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration maxRequestAge = Duration.ofHours(1);

    private Builder() {}

    /**
     * The Kafka connection settings (servers, security) of every client; default: {@link
     * KafkaClientConfigs#fromEnvironment} of the {@link #bootstrapServers}.
     */
    public Builder kafkaClients(KafkaClientConfigs kafkaClients) {
      this.kafkaClients = Objects.requireNonNull(kafkaClients, "kafkaClients");
      this.bootstrapServers = kafkaClients.bootstrapServers();
      return this;
    }

    private KafkaClientConfigs kafkaClients() {
      if (kafkaClients != null) {
        return kafkaClients;
      }
      return bootstrapServers == null || bootstrapServers.isBlank()
          ? null
          : KafkaClientConfigs.fromEnvironment(bootstrapServers);
    }

    /** Kafka bootstrap servers, e.g. {@code localhost:9092}. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** The registry the event schema is registered with and request schemas are read from. */
    public Builder schemaRegistry(SchemaRegistryClient registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** A Confluent-compatible registry by URL, e.g. {@code http://localhost:8081}. */
    public Builder schemaRegistry(String url) {
      return schemaRegistry(new HttpSchemaRegistryClient(Objects.requireNonNull(url, "url")));
    }

    /** Id of this worker, written as the {@code producer} of every event; required. */
    public Builder workerId(String workerId) {
      this.workerId = workerId;
      return this;
    }

    /** Producer {@code linger.ms}: how long to wait to fill a batch; default 2. */
    public Builder lingerMs(int lingerMs) {
      if (lingerMs < 0) {
        throw new IllegalArgumentException("lingerMs must be >= 0");
      }
      this.lingerMs = lingerMs;
      return this;
    }

    /** Producer {@code compression.type}: none (default), lz4, zstd, snappy or gzip. */
    public Builder compressionType(String compressionType) {
      this.compressionType = Objects.requireNonNull(compressionType, "compressionType");
      return this;
    }

    /** Size limits of events; default {@link EventLimits#DEFAULT}. */
    public Builder limits(EventLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Any other producer setting; acks and idempotence should stay as they are. */
    public Builder producerProperty(String name, Object value) {
      producerOverrides.put(name, value);
      return this;
    }

    /** Any other consumer setting of the request loops (e.g. {@code auto.offset.reset}). */
    public Builder consumerProperty(String name, Object value) {
      consumerOverrides.put(name, value);
      return this;
    }

    /**
     * Publish through this producer instead of creating one (tests with a MockProducer, custom
     * wiring). The client closes it.
     */
    public Builder producer(Producer<String, JobEvent> producer) {
      this.producer = Objects.requireNonNull(producer, "producer");
      return this;
    }

    /** The clock of {@code occurredAt} and durations; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Prefix of the request consumer groups, default {@code regen-workers-}. */
    public Builder groupIdPrefix(String groupIdPrefix) {
      this.groupIdPrefix = Objects.requireNonNull(groupIdPrefix, "groupIdPrefix");
      return this;
    }

    /** Jobs a request loop runs at the same time, per job type; default 4. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be >= 1");
      }
      this.concurrency = concurrency;
      return this;
    }

    /** How many request keys (jobIds, idempotency keys) the duplicate filter remembers. */
    public Builder dedupeCapacity(int dedupeCapacity) {
      if (dedupeCapacity < 1) {
        throw new IllegalArgumentException("dedupeCapacity must be >= 1");
      }
      this.dedupeCapacity = dedupeCapacity;
      return this;
    }

    /** Records per partition read back at assignment to rebuild the duplicate filter; 0 = none. */
    public Builder dedupeLookback(int dedupeLookback) {
      if (dedupeLookback < 0) {
        throw new IllegalArgumentException("dedupeLookback must be >= 0");
      }
      this.dedupeLookback = dedupeLookback;
      return this;
    }

    /** How long {@link RequestLoop#close()} lets running jobs finish before cancelling them. */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
      return this;
    }

    /**
     * START requests older than this (by requestedAt) are not run, so a worker that was down does
     * not run jobs nobody waits for any more; their jobs end as {@code job:failed:v1} with code
     * {@link RequestLoop#STALE_CODE} (not left QUEUED); default 1 hour, {@link Duration#ZERO} = no
     * limit.
     */
    public Builder maxRequestAge(Duration maxRequestAge) {
      this.maxRequestAge = Objects.requireNonNull(maxRequestAge, "maxRequestAge");
      return this;
    }

    /**
     * @throws IllegalArgumentException when the worker id is missing or no way to publish is set
     */
    public RegenWorkerClient build() {
      if (workerId == null || workerId.isBlank()) {
        throw new IllegalArgumentException("workerId is required");
      }
      new EventValidator(limits).requireId("workerId", workerId, "Invalid worker settings");
      if (producer == null && (bootstrapServers == null || bootstrapServers.isBlank())) {
        throw new IllegalArgumentException("bootstrapServers is required");
      }
      if (producer == null && registry == null) {
        throw new IllegalArgumentException("schemaRegistry is required");
      }
      return new RegenWorkerClient(this);
    }
  }
}
