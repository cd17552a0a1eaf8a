package io.regen.realtime.platform.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated access to the launcher's environment variables. Blank values count as unset.
 * Every error names the variable and the offending value, so a typo fails at start with a message
 * that says what to fix.
 */
public final class RegenEnvironment {
  public static final String PORT = "PORT";
  public static final String SCHEMA_REGISTRY_PORT = "SCHEMA_REGISTRY_PORT";
  public static final String KAFKA_PORT = "KAFKA_PORT";
  public static final String KAFKA_CONTROLLER_PORT = "KAFKA_CONTROLLER_PORT";
  public static final String KAFKA_NODE_ID = "KAFKA_NODE_ID";
  public static final String KAFKA_HOST = "KAFKA_HOST";
  public static final String KAFKA_QUORUM_VOTERS = "KAFKA_QUORUM_VOTERS";
  public static final String KAFKA_CLUSTER_ID = "KAFKA_CLUSTER_ID";
  public static final String KAFKA_SASL_USERS_FILE = "KAFKA_SASL_USERS_FILE";
  public static final String REGEN_DATA_DIR = "REGEN_DATA_DIR";
  public static final String JWT_SECRET = "JWT_SECRET";
  public static final String JWT_PUBLIC_KEY = "JWT_PUBLIC_KEY";
  public static final String JWT_ISSUER = "JWT_ISSUER";
  public static final String JWT_AUDIENCE = "JWT_AUDIENCE";
  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String SCHEMA_REGISTRY_URL = "SCHEMA_REGISTRY_URL";
  public static final String REDIS_URL = "REDIS_URL";
  public static final String FRONTEND_ORIGIN = "FRONTEND_ORIGIN";
  public static final String TOPIC_PARTITIONS = "TOPIC_PARTITIONS";
  public static final String REGEN_NODE_ID = "REGEN_NODE_ID";
  public static final String KAFKA_EXPECTED_BROKERS = "KAFKA_EXPECTED_BROKERS";
  public static final String KAFKA_ALLOW_UNDER_REPLICATED = "KAFKA_ALLOW_UNDER_REPLICATED";
  public static final String TOPIC_RETENTION = "TOPIC_RETENTION";

  /**
   * {@code true}: the class-data sharing training run of {@code ./regen build} (the role starts on
   * free ports, answers one health request per listener, stops; see {@code TrainingRun}).
   */
  public static final String REGEN_TRAINING_RUN = "REGEN_TRAINING_RUN";

  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_STREAMS_PORT = 8082;
  public static final int DEFAULT_SCHEMA_REGISTRY_PORT = 8081;
  public static final int DEFAULT_KAFKA_PORT = 9092;

  /**
   * Partitions of the topics created on a cluster: the most stream-processor instances it can use.
   */
  public static final int DEFAULT_TOPIC_PARTITIONS = 12;

  /**
   * Partitions of the topics {@code up} creates on its embedded single-node broker. Every partition
   * of {@code jobs.events.v1} is a stream task with a dozen RocksDB stores and changelogs: 12 cost
   * ~100-180 MB more RSS under load than 4 for no throughput on one node (docs/performance.md,
   * session 14); 4 still lets up to four {@code regen streams} instances share the work.
   */
  public static final int DEFAULT_EMBEDDED_TOPIC_PARTITIONS = 4;

  public static final String DEFAULT_DATA_DIR = "./data";

  private final Map<String, String> env;

  public RegenEnvironment(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static RegenEnvironment system() {
    return new RegenEnvironment(System.getenv());
  }

  /** Every variable, for settings parsed by the libraries themselves. */
  public Map<String, String> asMap() {
    return env;
  }

  /** The value of {@code name}, empty when unset or blank. */
  public Optional<String> get(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String get(String name, String defaultValue) {
    return get(name).orElse(defaultValue);
  }

  public int port(String name, int defaultValue) {
    return get(name).map(v -> parsePort(name, v)).orElse(defaultValue);
  }

  public int positiveInt(String name, int defaultValue) {
    return get(name).map(v -> parsePositiveInt(name, v)).orElse(defaultValue);
  }

  /** {@code true}/{@code false} (case-insensitive); anything else is a clear error. */
  public boolean bool(String name, boolean defaultValue) {
    return get(name)
        .map(
            v -> {
              if (v.equalsIgnoreCase("true")) {
                return true;
              }
              if (v.equalsIgnoreCase("false")) {
                return false;
              }
              throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
            })
        .orElse(defaultValue);
  }

  public Path dataDir() {
    return Path.of(get(REGEN_DATA_DIR, DEFAULT_DATA_DIR)).toAbsolutePath().normalize();
  }

  public static int parsePort(String name, String value) {
    int port = parseInt(name, value);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be a port in 1..65535, got '" + value + "'");
    }
    return port;
  }

  public static int parsePositiveInt(String name, String value) {
    int n = parseInt(name, value);
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be a positive number, got '" + value + "'");
    }
    return n;
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
    }
  }
}
