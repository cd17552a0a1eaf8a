package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.EventDelivery.Subscription;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.jobs.JobRecord;
import io.regen.realtime.gateway.replay.KafkaJobReplay;
import io.regen.realtime.gateway.replay.ReplayListener;
import io.regen.realtime.gateway.replay.ReplayProperties;
import io.regen.realtime.gateway.testapp.DeliveryKafka;
import io.regen.realtime.gateway.testapp.TestSession;
import io.regen.realtime.registry.SchemaRegistryServer;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 item 1 in the gateway, on a real broker and the project's real registry server: a
 * gateway started with an empty schema cache while the registry is down reads events whose writer
 * schema it has never seen. The live path, a catch-up (resume from a cursor) and a replay must wait
 * for the registry, never skip: once it is back, every event arrives once, in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegistryOutageDeliveryIT {
  private static final int EVENTS = 30;
  private static DeliveryKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = new DeliveryKafka();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<String> expected(String jobId) {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < EVENTS; s++) {
      out.add(jobId + ":" + s);
    }
    return out;
  }

  @Test
  void liveCatchUpAndReplayWaitForTheRegistryAndLoseNothing() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    int port = freePort();
    String schemasTopic = "_schemas-" + UUID.randomUUID();
    SchemaRegistryServer registry =
        new SchemaRegistryServer(kafka.bootstrap(), port, schemasTopic, Duration.ofSeconds(60));
    registry.start();
    String user = "outage-user";
    String job = "outage-job";
    RegistrySerdes writer = new RegistrySerdes(new HttpSchemaRegistryClient(registry.url()));
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    SchemaRegistryServer restarted = null;
    KafkaEventDelivery delivery = null;
    KafkaJobReplay replay = null;
    try (KafkaProducer<String, JobEvent> producer =
        new KafkaProducer<>(
            pp, new StringSerializer(), writer.valueSerializer(Topics.JOB_EVENTS))) {
      // Registers the writer schema (the producer caches its id) and gives a resume cursor.
      RecordMetadata anchor =
          producer
              .send(
                  new ProducerRecord<>(
                      topic.name(), user, DeliveryKafka.event(user, "anchor-job", 0)))
              .get();
      registry.close();

      DeliveryMetrics metrics = new DeliveryMetrics(new SimpleMeterRegistry());
      RegistrySerdes emptyCache =
          new RegistrySerdes(
              new HttpSchemaRegistryClient(
                  "http://localhost:" + port, Duration.ofMillis(500), Duration.ofSeconds(2)));
      delivery =
          new KafkaEventDelivery(
              topic,
              kafka.clients(),
              emptyCache.valueDeserializer(Topics.JOB_EVENTS),
              DeliveryProperties.defaults(),
              metrics,
              null);
      delivery.start();
      TestSession live = new TestSession(user);
      delivery.subscribe(live, null).start();
      KafkaEventDelivery d = delivery;
      await().until(() -> d.assignedPartitions().size() == 1);

      RecordMetadata first = null;
      for (int seq = 0; seq < EVENTS; seq++) {
        JobEvent e =
            seq == EVENTS - 1
                ? DeliveryKafka.completed(user, job, seq)
                : DeliveryKafka.event(user, job, seq);
        RecordMetadata m = producer.send(new ProducerRecord<>(topic.name(), user, e)).get();
        if (first == null) {
          first = m;
        }
      }

      TestSession resuming = new TestSession(user);
      String cursor = new LogPosition(anchor.partition(), anchor.offset()).toCursor();
      Subscription resumed = delivery.subscribe(resuming, cursor);
      resumed.start();
      assertThat(resumed.resumed()).isTrue();

      InMemoryJobDirectory directory = new InMemoryJobDirectory(10);
      directory.put(
          job,
          new JobRecord(user, "model", new LogPosition(first.partition(), first.offset()), null));
      replay =
          new KafkaJobReplay(
              topic,
              kafka.clients(),
              emptyCache.valueDeserializer(Topics.JOB_EVENTS),
              directory,
              DeliveryProperties.defaults(),
              ReplayProperties.defaults(),
              metrics,
              ReplayListener.NONE);
      TestSession replaying = new TestSession(user);
      CompletableFuture<Long> replayed =
          replay.replay(
              replaying,
              new AuthenticatedUser(user, Set.of(), Instant.now().plusSeconds(600)),
              "r1",
              job,
              0);

      // The gateway tried and could not decode: nothing was shown, nothing skipped.
      await().atMost(Duration.ofSeconds(60)).until(() -> metrics.registryUnavailableCount() >= 3);
      assertThat(live.keys()).isEmpty();
      assertThat(resuming.keys()).isEmpty();
      assertThat(replaying.keys()).isEmpty();
      assertThat(replayed).isNotDone();

      restarted =
          new SchemaRegistryServer(kafka.bootstrap(), port, schemasTopic, Duration.ofSeconds(60));
      restarted.start();

      await().atMost(Duration.ofSeconds(60)).until(() -> live.keys().size() >= EVENTS);
      await().atMost(Duration.ofSeconds(60)).until(() -> resuming.keys().size() >= EVENTS);
      assertThat(replayed.get(60, TimeUnit.SECONDS)).isEqualTo(EVENTS);
      assertThat(live.keys()).containsExactlyElementsOf(expected(job));
      assertThat(resuming.keys()).containsExactlyElementsOf(expected(job));
      assertThat(replaying.keys()).containsExactlyElementsOf(expected(job));
      assertThat(metrics.undecodableCount()).isZero();
    } finally {
      if (replay != null) {
        replay.close();
      }
      if (delivery != null) {
        delivery.close();
      }
      if (restarted != null) {
        restarted.close();
      }
    }
  }
}
