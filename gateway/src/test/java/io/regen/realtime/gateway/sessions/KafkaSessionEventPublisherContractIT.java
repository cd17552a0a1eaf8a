package io.regen.realtime.gateway.sessions;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The publisher contract on a real in-process broker, read back by a plain consumer. */
@Timeout(120)
class KafkaSessionEventPublisherContractIT extends SessionEventPublisherContract {
  private static EmbeddedKafkaKraftBroker broker;
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

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

  @Override
  protected SessionEventPublisher newPublisher() {
    return KafkaSessionEventPublisher.create(
        new GatewayKafkaClients(broker.getBrokersAsString(), Map.of(), Duration.ofMillis(10)),
        registry,
        "sessions-contract",
        Map.of(),
        1000,
        new SimpleMeterRegistry());
  }

  @Override
  protected List<SessionEvent> eventsOf(String userId, int count) {
    var deserializer = new RegistrySerdes(registry).valueDeserializer(Topics.GATEWAY_SESSIONS);
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.getBrokersAsString(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<SessionEvent> events = new ArrayList<>();
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
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                  if (userId.equals(r.key())) {
                    events.add(deserializer.deserialize(r.topic(), r.value()));
                  }
                }
                return events.size() >= count;
              });
    }
    return events;
  }
}
