package io.regen.realtime.gateway.e2e;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.gateway.delivery.UserPartitioner;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import io.regen.realtime.testsupport.TestJobEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Kafka side of the end-to-end tests: a real in-process KRaft broker whose {@code
 * jobs.events.v1} has 12 partitions, a registry client shared with the gateway, and a producer of
 * {@link JobEvent}s (key = userId, the project's registry serde) that remembers, per user, which
 * event landed at which offset — the reference every client's received stream is compared with.
 */
final class E2eKafka implements AutoCloseable {
  static final int PARTITIONS = 12;

  private final EmbeddedKafkaKraftBroker broker;
  final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final KafkaProducer<String, JobEvent> producer;
  private final Admin admin;
  private final Map<String, ConcurrentLinkedQueue<Produced>> produced = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> nextSeq = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

  /** One acknowledged event: where it landed and what identifies it on the client. */
  record Produced(
      String userId, String jobId, long seq, String eventId, long offset, int partition) {}

  E2eKafka() {
    broker =
        KafkaTestBrokers.startKraft(
            PARTITIONS,
            Topics.JOB_EVENTS.name(),
            Topics.JOB_REQUESTS.name(),
            Topics.GATEWAY_SESSIONS.name());
    producer = KafkaTestBrokers.orderedEventProducer(broker.getBrokersAsString(), registry, 2);
    admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
  }

  String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  Admin admin() {
    return admin;
  }

  static int partitionOf(String userId) {
    return UserPartitioner.partitionOf(userId, PARTITIONS);
  }

  /** A fresh user id (random, so tests sharing the broker never see each other's events). */
  static String newUser(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A fresh user whose events land on {@code partition}. */
  static String newUserOn(String prefix, int partition) {
    while (true) {
      String user = newUser(prefix);
      if (partitionOf(user) == partition) {
        return user;
      }
    }
  }

  /** A fresh user whose events land on a partition other than {@code partition}. */
  static String newUserNotOn(String prefix, int partition) {
    while (true) {
      String user = newUser(prefix);
      if (partitionOf(user) != partition) {
        return user;
      }
    }
  }

  /**
   * Sends the user's next event of {@code jobId} (seq counted per user) asynchronously; the ack is
   * recorded in the user's produced list.
   */
  Future<RecordMetadata> sendNext(String userId, String jobId) {
    return sendNext(userId, jobId, 0);
  }

  /**
   * Like {@link #sendNext(String, String)}, with a progress message of {@code extraChars}
   * characters (big frames fill a client's TCP buffers with few events).
   */
  Future<RecordMetadata> sendNext(String userId, String jobId, int extraChars) {
    long seq = nextSeq.computeIfAbsent(userId, u -> new AtomicLong()).getAndIncrement();
    JobEvent event = event(userId, jobId, seq);
    if (extraChars > 0 && seq > 0) {
      event.setPayload(new JobProgress((int) (seq % 100), "x".repeat(extraChars)));
    }
    return producer.send(
        new ProducerRecord<>(Topics.JOB_EVENTS.name(), userId, event),
        (metadata, error) -> {
          if (error != null) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, error);
            return;
          }
          produced
              .computeIfAbsent(userId, u -> new ConcurrentLinkedQueue<>())
              .add(
                  new Produced(
                      userId,
                      jobId,
                      seq,
                      event.getEventId(),
                      metadata.offset(),
                      metadata.partition()));
        });
  }

  /** Sends {@code count} events of the user's job and waits until the broker has them all. */
  void publish(String userId, String jobId, int count) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      acks.add(sendNext(userId, jobId));
    }
    awaitAll(acks);
  }

  void flush() {
    producer.flush();
  }

  void awaitAll(List<Future<RecordMetadata>> acks) {
    producer.flush();
    for (Future<RecordMetadata> f : acks) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("produce failed", e.getCause());
      }
    }
  }

  /** Everything acknowledged for the user so far, in log (offset) order. */
  List<Produced> producedFor(String userId) {
    ConcurrentLinkedQueue<Produced> q = produced.get(userId);
    if (q == null) {
      return List.of();
    }
    List<Produced> list = new ArrayList<>(q);
    list.sort(Comparator.comparingLong(Produced::offset));
    return list;
  }

  List<String> producedEventIds(String userId) {
    return producedFor(userId).stream().map(Produced::eventId).toList();
  }

  int failedSends() {
    return failures.get();
  }

  Exception firstFailure() {
    return firstFailure.get();
  }

  static JobEvent event(String userId, String jobId, long seq) {
    Object payload =
        seq == 0
            ? new JobStarted("model", "e2e")
            : new JobProgress((int) (seq % 100), "step " + seq);
    return TestJobEvents.jobEvent(userId, jobId, seq, Instant.now(), "e2e-worker", payload);
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
    broker.destroy();
  }
}
