package io.regen.realtime.registry.internal;

import io.regen.realtime.registry.internal.RegistryState.ClaimOutcome;
import io.regen.realtime.schemas.kafka.Durability;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.kafka.TopicProvisioning;
import io.regen.realtime.schemas.kafka.TopicSpec;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: a single-partition compacted topic read from the beginning by one
 * reader thread that applies every record to {@link RegistryState}. Writers append (acks=all,
 * idempotent producer) and then wait until the reader has applied their record, so an answer always
 * reflects the log's total order, which every instance on the cluster shares.
 */
public final class KafkaSchemaLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaSchemaLog.class);

  private final String topic;
  private final TopicPartition partition;
  private final RegistryState state;
  private final Admin admin;
  private final Durability durability;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final Map<String, CompletableFuture<ClaimOutcome>> pendingClaims =
      new ConcurrentHashMap<>();
  private final Object progress = new Object();
  private volatile long position; // next offset the reader will apply
  private volatile boolean running;
  private volatile Throwable readerFailure;
  private Thread reader;

  public KafkaSchemaLog(String bootstrapServers, String topic, RegistryState state) {
    this(
        KafkaClientConfigs.fromEnvironment(bootstrapServers),
        topic,
        state,
        Durability.expecting(1));
  }

  /** As above, creating the topic with {@code durability}'s replication. */
  public KafkaSchemaLog(
      String bootstrapServers, String topic, RegistryState state, Durability durability) {
    this(KafkaClientConfigs.fromEnvironment(bootstrapServers), topic, state, durability);
  }

  public KafkaSchemaLog(
      KafkaClientConfigs clients, String topic, RegistryState state, Durability durability) {
    this.topic = topic;
    this.partition = new TopicPartition(topic, 0);
    this.state = state;
    this.durability = durability;
    String clientId = "regen-schema-registry-" + UUID.randomUUID().toString().substring(0, 8);

    Map<String, Object> adminProps = clients.admin(clientId + "-admin");
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.admin = Admin.create(adminProps);

    Map<String, Object> producerProps = clients.producer(clientId + "-producer");
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A broker outage must become a prompt 500, not a request hanging for two minutes.
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    this.producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

    Map<String, Object> consumerProps = clients.consumer(clientId + "-reader");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * Creates the topic if missing, starts the reader and returns once the whole log up to its
   * current end is applied.
   *
   * @throws IllegalStateException if Kafka cannot be reached or the topic is unusable
   */
  public void start(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ensureTopic(timeout);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    running = true;
    reader = new Thread(this::readLoop, "schema-registry-reader-" + topic);
    reader.setDaemon(true);
    reader.start();
    long end = endOffset(remaining(deadline));
    if (!awaitPosition(end, remaining(deadline))) {
      throw new IllegalStateException(
          "Schema registry could not read topic " + topic + " up to offset " + end + " in time");
    }
    log.info("Schema registry store caught up with {} at offset {}", topic, end);
  }

  /** Whether the reader is alive and has not failed. */
  public boolean isHealthy() {
    return running && readerFailure == null && reader != null && reader.isAlive();
  }

  /** The next offset the reader will apply. */
  public long position() {
    return position;
  }

  /**
   * Appends a registration claim and returns what applying it did, once the local reader has
   * applied it.
   */
  public ClaimOutcome appendClaim(
      String subject, String canonicalSchema, int expectedLatestVersion, Duration timeout) {
    String claimId = UUID.randomUUID().toString();
    var claim = new LogRecords.Claim(claimId, subject, canonicalSchema, expectedLatestVersion);
    CompletableFuture<ClaimOutcome> outcome = new CompletableFuture<>();
    pendingClaims.put(claimId, outcome);
    try {
      append(LogRecords.claimKey(claim), LogRecords.claimValue(claim), timeout);
      return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw RegistryError.timeout(
          "Register operation timed out while waiting for the schema log to apply the claim");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryError.storeError("Interrupted while registering", e);
    } catch (ExecutionException e) {
      throw RegistryError.storeError("Error while registering schema: " + e.getCause(), e);
    } finally {
      pendingClaims.remove(claimId);
    }
  }

  /** Appends a config record and returns once the local reader has applied it. */
  public void appendConfig(String subject, CompatibilityLevel level, Duration timeout) {
    long offset =
        append(LogRecords.configKey(subject), LogRecords.configValue(level), timeout).offset();
    if (!awaitPosition(offset + 1, timeout)) {
      throw RegistryError.timeout("Config update timed out waiting for the schema log");
    }
  }

  /**
   * Read barrier: waits until everything written to the log before this call is applied, so a
   * schema registered through another instance is visible here. False if that did not happen in
   * time (the caller then answers from what it has).
   */
  public boolean catchUp(Duration timeout) {
    try {
      return awaitPosition(endOffset(timeout), timeout);
    } catch (RuntimeException e) {
      log.warn("Schema registry read barrier failed: {}", e.toString());
      return false;
    }
  }

  private RecordMetadata append(String key, String value, Duration timeout) {
    if (!isHealthy()) {
      throw RegistryError.storeError(
          "Schema store is not available"
              + (readerFailure == null ? "" : ": " + readerFailure.getMessage()),
          readerFailure);
    }
    try {
      return producer
          .send(new ProducerRecord<>(topic, 0, key, value))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw RegistryError.timeout("Timed out writing to the schema log " + topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryError.storeError("Interrupted while writing to the schema log", e);
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw RegistryError.storeError(
          "Error while writing to the schema log " + topic + ": " + cause, cause);
    }
  }

  private void readLoop() {
    try {
      while (running) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, String> record : records) {
          apply(record);
        }
        long next = consumer.position(partition);
        if (next != position) {
          synchronized (progress) {
            position = next;
            progress.notifyAll();
          }
        }
      }
    } catch (WakeupException e) {
      // close() asked the reader to stop.
    } catch (Throwable e) {
      readerFailure = e;
      log.error("Schema registry reader of {} failed; the registry stops serving writes", topic, e);
    } finally {
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  private void apply(ConsumerRecord<String, String> record) {
    LogRecords.Entry entry = LogRecords.decode(record.key(), record.value());
    if (entry instanceof LogRecords.Claim claim) {
      ClaimOutcome outcome =
          state.applyClaim(claim.subject(), claim.schema(), claim.expectedLatestVersion());
      CompletableFuture<ClaimOutcome> waiting = pendingClaims.get(claim.claimId());
      if (waiting != null) {
        waiting.complete(outcome);
      }
    } else if (entry instanceof LogRecords.Config config) {
      state.applyConfig(config.subject(), config.level());
    } else if (entry instanceof LogRecords.Unknown unknown) {
      log.debug("Skipping record at {}:{}: {}", topic, record.offset(), unknown.reason());
    }
  }

  private boolean awaitPosition(long offset, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (position < offset) {
        if (!isHealthy()) {
          return false;
        }
        long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMs <= 0) {
          return false;
        }
        try {
          progress.wait(Math.min(waitMs, 500));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private long endOffset(Duration timeout) {
    try {
      return admin
          .listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted reading the end of " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot read the end offset of " + topic + ": " + e, e);
    }
  }

  /**
   * Describes a topic that was just created. Right after creation the broker's metadata may not
   * know it yet (UnknownTopicOrPartition), so retry briefly until the deadline.
   */
  private Map<String, TopicDescription> describeCreatedTopic(Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private void ensureTopic(Duration timeout) {
    try {
      // The platform's one topic-creation routine: replication from the expected cluster size.
      new TopicProvisioning(admin, durability, timeout)
          .ensure(List.of(TopicSpec.compacted(topic, 1)));
      Map<String, TopicDescription> existing = describeCreatedTopic(timeout);
      int partitions = existing.get(topic).partitions().size();
      if (partitions != 1) {
        throw new IllegalStateException(
            "Schema topic "
                + topic
                + " has "
                + partitions
                + " partitions; the registry needs exactly 1 (its total order)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while preparing " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot prepare schema topic " + topic + " on Kafka: " + e, e);
    }
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  @Override
  public void close() {
    boolean wasRunning = running;
    running = false;
    if (reader != null && wasRunning) {
      consumer.wakeup();
      try {
        reader.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // The reader owns the consumer while it runs; close it only once the reader is gone.
    if (reader == null || !reader.isAlive()) {
      consumer.close(Duration.ofSeconds(5));
    }
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
