package io.regen.realtime.gateway.testapp;

import io.regen.realtime.schemas.Topics;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One in-process KRaft broker per test JVM for the gateway's protocol ITs, with single-partition
 * platform topics (so "no second record" can be asserted by reading up to a later marker). The
 * system properties the broker leaks are cleared so no other context talks to it by accident.
 */
public final class EmbeddedBroker {
  private static EmbeddedKafkaKraftBroker broker;

  /**
   * The one registry of the records on this broker: every context writing to it must use this one,
   * or a test reading a topic from the start meets schema ids of another context's registry.
   */
  private static final io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient REGISTRY =
      new io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient();

  private EmbeddedBroker() {}

  /** The schema registry shared by every context that uses this broker. */
  public static io.regen.realtime.schemas.registry.SchemaRegistryClient registry() {
    return REGISTRY;
  }

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      EmbeddedKafkaKraftBroker b =
          KafkaTestBrokers.startKraft(
              1,
              Topics.JOB_EVENTS.name(),
              Topics.JOB_REQUESTS.name(),
              Topics.GATEWAY_SESSIONS.name());
      Runtime.getRuntime().addShutdownHook(new Thread(b::destroy));
      broker = b;
    }
    return broker.getBrokersAsString();
  }
}
