package io.regen.realtime.testsupport;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The tests' one way to start an in-process KRaft broker: tuned for a busy single machine and
 * without the JVM-wide properties EmbeddedKafka leaks (a later Spring context in the same JVM would
 * otherwise talk to a dead broker).
 */
public final class KafkaTestBrokers {
  /** Settings every test broker gets: no rebalance delay, a small log-cleaner buffer. */
  public static final Map<String, String> TEST_BROKER_PROPERTIES =
      Map.of(
          "group.initial.rebalance.delay.ms", "0",
          "log.cleaner.dedupe.buffer.size", "16777216");

  private KafkaTestBrokers() {}

  /** One broker with {@code topics} of {@code partitions} partitions. */
  public static EmbeddedKafkaKraftBroker startKraft(int partitions, String... topics) {
    return startKraft(1, partitions, Map.of(), topics);
  }

  /**
   * {@code count} brokers with {@code topics} of {@code partitions} partitions; {@code
   * brokerProperties} on top of {@link #TEST_BROKER_PROPERTIES}.
   */
  public static EmbeddedKafkaKraftBroker startKraft(
      int count, int partitions, Map<String, String> brokerProperties, String... topics) {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(count, partitions, topics);
    TEST_BROKER_PROPERTIES.forEach(broker::brokerProperty);
    brokerProperties.forEach(broker::brokerProperty);
    broker.afterPropertiesSet();
    clearLeakedProperties();
    return broker;
  }

  /** Clears the broker address EmbeddedKafka and KafkaClusterTestKit leave in system properties. */
  public static void clearLeakedProperties() {
    System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
    System.clearProperty("spring.kafka.bootstrap-servers");
  }

  /**
   * A producer of {@code jobs.events.v1} values (acks=all) that keeps each partition's order. One
   * request in flight instead of the idempotent producer: right after topic creation a partition
   * can answer NOT_LEADER once, and the idempotent producer then sometimes wedges on
   * OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  public static KafkaProducer<String, JobEvent> orderedEventProducer(
      String bootstrapServers, SchemaRegistryClient registry, int lingerMs) {
    Map<String, Object> p =
        KafkaClientConfigs.plaintext(bootstrapServers).producer("test-event-producer");
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(
        p, new StringSerializer(), new RegistrySerdes(registry).valueSerializer(Topics.JOB_EVENTS));
  }
}
