package io.regen.realtime.registry;

import io.regen.realtime.testsupport.KafkaTestBrokers;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One in-process KRaft broker for a test class, without the system properties it leaks. */
final class EmbeddedKafka implements AutoCloseable {
  private final EmbeddedKafkaKraftBroker broker;

  EmbeddedKafka() {
    broker = KafkaTestBrokers.startKraft(1, 1, Map.of());
  }

  String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
    KafkaTestBrokers.clearLeakedProperties();
  }
}
