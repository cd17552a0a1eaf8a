package io.regen.realtime.registry;

import io.regen.realtime.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link SchemaRegistryServer} listens and what it accepts.
 *
 * @param bindAddress the interface to listen on: {@code 127.0.0.1} (loopback only), {@code 0.0.0.0}
 *     (every interface) or a host name / address
 * @param port the HTTP port; 0 picks a free one
 * @param topic the Kafka topic holding the schemas
 * @param startTimeout how long {@link SchemaRegistryServer#start()} waits for Kafka
 * @param limits caps on what clients may send and store
 * @param users Basic auth credentials; {@link RegistryUsers#NONE} leaves the registry open
 */
public record RegistryServerOptions(
    String bindAddress,
    int port,
    String topic,
    Duration startTimeout,
    RegistryLimits limits,
    RegistryUsers users) {

  /** Loopback: what {@code regen up} binds unless told otherwise. */
  public static final String LOOPBACK = "127.0.0.1";

  /** Every interface. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  public static final String BIND_ADDRESS_ENV = "SCHEMA_REGISTRY_BIND_ADDRESS";
  public static final String USERS_FILE_ENV = "SCHEMA_REGISTRY_USERS_FILE";
  public static final String MAX_SUBJECTS_ENV = "SCHEMA_REGISTRY_MAX_SUBJECTS";
  public static final String MAX_VERSIONS_ENV = "SCHEMA_REGISTRY_MAX_VERSIONS";
  public static final String MAX_SCHEMA_BYTES_ENV = "SCHEMA_REGISTRY_MAX_SCHEMA_BYTES";

  public RegistryServerOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port " + port);
    }
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(users, "users");
  }

  /** Loopback on {@code port}, {@link Topics#SCHEMAS}, default limits, no auth. */
  public static RegistryServerOptions loopback(int port) {
    return new RegistryServerOptions(
        LOOPBACK,
        port,
        Topics.SCHEMAS,
        SchemaRegistryServer.DEFAULT_START_TIMEOUT,
        RegistryLimits.DEFAULT,
        RegistryUsers.NONE);
  }

  /**
   * Options from the environment: {@code SCHEMA_REGISTRY_BIND_ADDRESS} (else {@code
   * defaultBindAddress}), {@code SCHEMA_REGISTRY_USERS_FILE} (Basic auth on), {@code
   * SCHEMA_REGISTRY_MAX_SUBJECTS}, {@code SCHEMA_REGISTRY_MAX_VERSIONS}, {@code
   * SCHEMA_REGISTRY_MAX_SCHEMA_BYTES}. Every bad value fails naming its variable.
   */
  public static RegistryServerOptions fromEnvironment(
      Map<String, String> env, int port, String defaultBindAddress) {
    RegistryLimits defaults = RegistryLimits.DEFAULT;
    RegistryLimits limits =
        defaults.toBuilder()
            .maxSubjects(positive(env, MAX_SUBJECTS_ENV, defaults.maxSubjects()))
            .maxVersionsPerSubject(
                positive(env, MAX_VERSIONS_ENV, defaults.maxVersionsPerSubject()))
            .maxSchemaBytes(positive(env, MAX_SCHEMA_BYTES_ENV, defaults.maxSchemaBytes()))
            .build();
    String usersFile = value(env, USERS_FILE_ENV);
    RegistryUsers users =
        usersFile == null ? RegistryUsers.NONE : RegistryUsers.fromFile(Path.of(usersFile));
    String bind = value(env, BIND_ADDRESS_ENV);
    return new RegistryServerOptions(
        bind == null ? defaultBindAddress : bind,
        port,
        Topics.SCHEMAS,
        SchemaRegistryServer.DEFAULT_START_TIMEOUT,
        limits,
        users);
  }

  public RegistryServerOptions withTopic(String newTopic) {
    return new RegistryServerOptions(bindAddress, port, newTopic, startTimeout, limits, users);
  }

  public RegistryServerOptions withStartTimeout(Duration timeout) {
    return new RegistryServerOptions(bindAddress, port, topic, timeout, limits, users);
  }

  public RegistryServerOptions withLimits(RegistryLimits newLimits) {
    return new RegistryServerOptions(bindAddress, port, topic, startTimeout, newLimits, users);
  }

  public RegistryServerOptions withUsers(RegistryUsers newUsers) {
    return new RegistryServerOptions(bindAddress, port, topic, startTimeout, limits, newUsers);
  }

  public RegistryServerOptions withBindAddress(String address) {
    return new RegistryServerOptions(address, port, topic, startTimeout, limits, users);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static int positive(Map<String, String> env, String name, int defaultValue) {
    String v = value(env, name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(name + " must be a positive number, got '" + v + "'");
  }
}
