package io.regen.realtime.registry;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One in-process KRaft broker for a test class, without the system properties it leaks. */
final class EmbeddedKafka implements AutoCloseable {
  private final EmbeddedKafkaKraftBroker broker;

  EmbeddedKafka() {
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperty("log.cleaner.dedupe.buffer.size", "16777216");
    broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
    broker.afterPropertiesSet();
    clearLeakedProperties();
  }

  String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public void close() {
    broker.destroy();
    clearLeakedProperties();
  }

  private static void clearLeakedProperties() {
    System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
    System.clearProperty("spring.kafka.bootstrap-servers");
  }
}
