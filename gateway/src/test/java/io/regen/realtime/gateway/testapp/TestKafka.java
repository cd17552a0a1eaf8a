package io.regen.realtime.gateway.testapp;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The gateway tests' one way to start an in-process broker and to write job events to it. */
public final class TestKafka {
  private TestKafka() {}

  /**
   * Starts a one-node KRaft broker with {@code topics} of {@code partitions} partitions, and clears
   * the JVM-wide properties EmbeddedKafka leaks, so a later Spring context in the same JVM does not
   * talk to a dead broker.
   */
  public static EmbeddedKafkaKraftBroker startBroker(int partitions, String... topics) {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions, topics);
    broker.afterPropertiesSet();
    System.clearProperty(EmbeddedKafkaKraftBroker.BROKER_LIST_PROPERTY);
    System.clearProperty("spring.kafka.bootstrap-servers");
    return broker;
  }

  /**
   * A producer of {@code jobs.events.v1} values (acks=all) that keeps each partition's order. One
   * request in flight instead of the idempotent producer: right after topic creation a partition
   * can answer NOT_LEADER once, and the idempotent producer then sometimes wedges on
   * OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  public static KafkaProducer<String, JobEvent> orderedEventProducer(
      String bootstrapServers, SchemaRegistryClient registry, int lingerMs) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(
        p, new StringSerializer(), new RegistrySerdes(registry).valueSerializer(Topics.JOB_EVENTS));
  }
}
