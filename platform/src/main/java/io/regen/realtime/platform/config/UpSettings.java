package io.regen.realtime.platform.config;

import static io.regen.realtime.platform.config.RegenEnvironment.*;

import io.regen.realtime.platform.kafka.BrokerSecurity;
import io.regen.realtime.platform.kafka.BrokerSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code regen up} starts and where, from the environment (names and defaults in the README).
 *
 * @param httpPort {@code PORT}, 8080: gateway, REST API and actuator
 * @param schemaRegistryPort {@code SCHEMA_REGISTRY_PORT}, 8081
 * @param kafkaPort {@code KAFKA_PORT}, 9092
 * @param kafkaControllerPort {@code KAFKA_CONTROLLER_PORT}, {@code KAFKA_PORT + 1}
 * @param dataDir {@code REGEN_DATA_DIR}, {@code ./data}: Kafka logs, stream state, dev secret
 * @param externalBootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}: when set, no broker starts
 * @param externalSchemaRegistryUrl {@code SCHEMA_REGISTRY_URL}: when set, no registry starts
 * @param topicPartitions {@code TOPIC_PARTITIONS}: partitions of topics created now; 4 on the
 *     embedded broker, 12 on a cluster ({@code KAFKA_BOOTSTRAP_SERVERS})
 * @param brokerSecurity {@code KAFKA_SASL_USERS_FILE}: the embedded broker's SASL users and ACLs
 */
public record UpSettings(
    int httpPort,
    int schemaRegistryPort,
    int kafkaPort,
    int kafkaControllerPort,
    Path dataDir,
    Optional<String> externalBootstrapServers,
    Optional<String> externalSchemaRegistryUrl,
    int topicPartitions,
    BrokerSecurity brokerSecurity) {

  public UpSettings(
      int httpPort,
      int schemaRegistryPort,
      int kafkaPort,
      int kafkaControllerPort,
      Path dataDir,
      Optional<String> externalBootstrapServers,
      Optional<String> externalSchemaRegistryUrl,
      int topicPartitions) {
    this(
        httpPort,
        schemaRegistryPort,
        kafkaPort,
        kafkaControllerPort,
        dataDir,
        externalBootstrapServers,
        externalSchemaRegistryUrl,
        topicPartitions,
        BrokerSecurity.NONE);
  }

  /**
   * The in-process clients of {@code up} log in with the standard client settings; without them a
   * secured embedded broker would refuse every one of them after a wait. Refused at start instead.
   */
  private static BrokerSecurity brokerSecurity(RegenEnvironment env) {
    BrokerSecurity security = BrokerOptions.security(env.get(KAFKA_SASL_USERS_FILE).orElse(null));
    if (security.enabled()
        && env.get("REGEN_KAFKA_PROPERTIES").isEmpty()
        && env.get("KAFKA_SASL_JAAS_CONFIG").isEmpty()) {
      throw new IllegalArgumentException(
          KAFKA_SASL_USERS_FILE
              + " secures the embedded broker, but up's own clients have no credential: set"
              + " REGEN_KAFKA_PROPERTIES (or KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT,"
              + " KAFKA_SASL_MECHANISM=SCRAM-SHA-512, KAFKA_SASL_JAAS_CONFIG) with the admin user");
    }
    return security;
  }

  public static UpSettings from(RegenEnvironment env) {
    int kafkaPort = env.port(KAFKA_PORT, DEFAULT_KAFKA_PORT);
    int controllerPort =
        env.port(KAFKA_CONTROLLER_PORT, kafkaPort < 65535 ? kafkaPort + 1 : kafkaPort - 1);
    return new UpSettings(
        env.port(PORT, DEFAULT_PORT),
        env.port(SCHEMA_REGISTRY_PORT, DEFAULT_SCHEMA_REGISTRY_PORT),
        kafkaPort,
        controllerPort,
        env.dataDir(),
        env.get(KAFKA_BOOTSTRAP_SERVERS),
        env.get(SCHEMA_REGISTRY_URL),
        env.positiveInt(
            TOPIC_PARTITIONS,
            env.get(KAFKA_BOOTSTRAP_SERVERS).isPresent()
                ? DEFAULT_TOPIC_PARTITIONS
                : DEFAULT_EMBEDDED_TOPIC_PARTITIONS),
        env.get(KAFKA_BOOTSTRAP_SERVERS).isPresent() ? BrokerSecurity.NONE : brokerSecurity(env));
  }

  /** The embedded single-node broker: node 1, data in {@code <dataDir>/kafka}. */
  public BrokerSettings embeddedBroker() {
    return new BrokerSettings(
        1,
        "localhost",
        kafkaPort,
        kafkaControllerPort,
        null,
        dataDir.resolve("kafka"),
        null,
        Map.of(),
        brokerSecurity);
  }

  /** Where the stream processors keep their RocksDB state. */
  public Path streamsStateDir() {
    return dataDir.resolve("streams");
  }
}
