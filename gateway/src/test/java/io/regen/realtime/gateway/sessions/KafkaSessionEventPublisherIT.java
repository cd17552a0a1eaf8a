package io.regen.realtime.gateway.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.events.SessionKind;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.schemas.serde.WireFormat;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Session events on a real in-process broker, read back by a plain consumer. */
@Timeout(120)
class KafkaSessionEventPublisherIT {
  private static EmbeddedKafkaKraftBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaTestBrokers.startKraft(3, Topics.GATEWAY_SESSIONS.name());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.destroy();
    }
  }

  @Test
  void startedAndEndedArePublishedKeyedByUserAndDecodeWithTheRegistry() {
    var registry = new InMemorySchemaRegistryClient();
    var meters = new SimpleMeterRegistry();
    Instant before = Instant.now().minusMillis(1);
    try (var publisher =
        KafkaSessionEventPublisher.create(
            clients(broker.getBrokersAsString()), registry, "sessions-it", Map.of(), 100, meters)) {
      publisher.started("alice", "s1", "node-1");
      publisher.started("bob", "s2", "node-2");
      publisher.ended("alice", "s1", "node-1", Duration.ofSeconds(42));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> meters.get("regen.session.events.published").counter().count() == 3);
    }

    List<ConsumerRecord<String, byte[]>> raw = readAll(3);
    var deserializer = new RegistrySerdes(registry).valueDeserializer(Topics.GATEWAY_SESSIONS);
    List<SessionEvent> alice = new ArrayList<>();
    List<SessionEvent> bob = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : raw) {
      // Confluent framing: magic byte 0, then the registered schema id.
      assertThat(record.value()[0]).isEqualTo(WireFormat.MAGIC_BYTE);
      assertThat(WireFormat.schemaId(record.value()))
          .isEqualTo(registry.latest(Topics.GATEWAY_SESSIONS.valueSubject()).id());
      SessionEvent event = deserializer.deserialize(record.topic(), record.value());
      assertThat(record.key()).isEqualTo(event.getUserId());
      (event.getUserId().equals("alice") ? alice : bob).add(event);
    }

    assertThat(alice)
        .extracting(SessionEvent::getKind)
        .containsExactly(SessionKind.STARTED, SessionKind.ENDED);
    assertThat(alice).extracting(SessionEvent::getSessionId).containsOnly("s1");
    assertThat(alice).extracting(SessionEvent::getNode).containsOnly("node-1");
    assertThat(alice.get(0).getDurationMs()).isNull();
    assertThat(alice.get(1).getDurationMs()).isEqualTo(42_000L);
    assertThat(alice.get(0).getAt()).isBetween(before, Instant.now());
    assertThat(bob)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKind()).isEqualTo(SessionKind.STARTED);
              assertThat(e.getNode()).isEqualTo("node-2");
            });
  }

  @Test
  void unreachableBrokerNeverBlocksNorThrowsAndDropsAreCounted() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    var meters = new SimpleMeterRegistry();
    try (var publisher =
        KafkaSessionEventPublisher.create(
            clients("127.0.0.1:" + closedPort),
            new InMemorySchemaRegistryClient(),
            "sessions-down-it",
            Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000),
            2,
            meters)) {
      long start = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        publisher.started("u" + i, "s" + i, "node-1");
        publisher.ended("u" + i, "s" + i, "node-1", Duration.ofMillis(i));
      }
      publisher.started(null, "s", "node-1"); // invalid: counted, not thrown
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
      assertThat(publisher.buffered()).isLessThanOrEqualTo(2);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(failed(meters, "buffer_full")).isGreaterThanOrEqualTo(97);
                assertThat(failed(meters, "send_failed")).isGreaterThanOrEqualTo(1);
                assertThat(failed(meters, "invalid")).isEqualTo(1);
              });
      assertThat(meters.get("regen.session.events.published").counter().count()).isZero();
    }
  }

  private static double failed(SimpleMeterRegistry meters, String reason) {
    return meters.get("regen.session.events.failed").tag("reason", reason).counter().count();
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.getBrokersAsString(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.GATEWAY_SESSIONS.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
              });
    }
    assertThat(records).hasSize(expected);
    return records;
  }

  private static GatewayKafkaClients clients(String bootstrap) {
    return new GatewayKafkaClients(bootstrap, Map.of(), Duration.ofMillis(10));
  }
}
