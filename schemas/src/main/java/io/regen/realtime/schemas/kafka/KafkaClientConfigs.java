package io.regen.realtime.schemas.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The one builder of Kafka client configurations: every producer, consumer, admin client and Kafka
 * Streams instance of the platform starts from {@link #common()}, so the connection settings of a
 * secured cluster (security protocol, SASL, TLS stores) enter every client in this one place.
 *
 * <p>The connection settings come, in this order (later wins), from the properties file named by
 * {@code REGEN_KAFKA_PROPERTIES} and from the environment variables {@code
 * KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG} and {@code
 * KAFKA_SSL_*} (see {@link #ENV_TO_CONFIG}). What a client's role sets itself (ids, acks,
 * idempotence, isolation, timeouts the platform relies on) is applied on top by the role.
 *
 * <p>Immutable and thread-safe. Bad settings fail at construction with a message naming the
 * variable, never later inside a client.
 */
public final class KafkaClientConfigs {
  /** Names a properties file whose settings go to every Kafka client. */
  public static final String PROPERTIES_FILE_ENV = "REGEN_KAFKA_PROPERTIES";

  /** The environment variables read, and the client setting each one sets. */
  public static final Map<String, String> ENV_TO_CONFIG = envToConfig();

  private static final String SSL_ENV_PREFIX = "KAFKA_SSL_";
  private static final Set<String> SASL_PROTOCOLS = Set.of("SASL_PLAINTEXT", "SASL_SSL");
  private static final Set<String> SECRET_KEYS =
      Set.of(
          SaslConfigs.SASL_JAAS_CONFIG,
          SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
          SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
          SslConfigs.SSL_KEY_PASSWORD_CONFIG);

  private final String bootstrapServers;
  private final Map<String, Object> connection;

  private KafkaClientConfigs(String bootstrapServers, Map<String, Object> connection) {
    this.bootstrapServers = bootstrapServers;
    this.connection = Map.copyOf(connection);
  }

  /** The settings of the process environment ({@link System#getenv()}). */
  public static KafkaClientConfigs fromEnvironment(String bootstrapServers) {
    return of(bootstrapServers, System.getenv());
  }

  /** No connection settings beyond the servers: a plaintext cluster such as the embedded one. */
  public static KafkaClientConfigs plaintext(String bootstrapServers) {
    return new KafkaClientConfigs(requireServers(bootstrapServers), Map.of());
  }

  /**
   * The settings of {@code env} (variable name to value).
   *
   * @throws IllegalArgumentException naming the variable when a value is unknown or inconsistent,
   *     or the properties file or a key/trust store cannot be read
   */
  public static KafkaClientConfigs of(String bootstrapServers, Map<String, String> env) {
    Map<String, Object> connection = new LinkedHashMap<>();
    String file = env.get(PROPERTIES_FILE_ENV);
    if (file != null && !file.isBlank()) {
      connection.putAll(readPropertiesFile(Path.of(file.trim())));
    }
    rejectUnknownSslVariables(env);
    for (Map.Entry<String, String> e : ENV_TO_CONFIG.entrySet()) {
      String value = env.get(e.getKey());
      if (value != null && !value.isBlank()) {
        connection.put(e.getValue(), value.trim());
      }
    }
    validate(connection);
    return new KafkaClientConfigs(requireServers(bootstrapServers), connection);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The settings every client shares: bootstrap servers and the connection settings. */
  public Map<String, Object> common() {
    Map<String, Object> c = new LinkedHashMap<>(connection);
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return c;
  }

  /** {@link #common()} plus a client id and the durable defaults: acks=all, idempotence. */
  public Map<String, Object> producer(String clientId) {
    Map<String, Object> c = withClientId(clientId);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return c;
  }

  /** {@link #common()} plus a client id; no group, offsets committed by the caller only. */
  public Map<String, Object> consumer(String clientId) {
    Map<String, Object> c = withClientId(clientId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return c;
  }

  /** {@link #common()} plus a client id. */
  public Map<String, Object> admin(String clientId) {
    return withClientId(clientId);
  }

  /** {@link #common()} as {@link Properties}, the form Kafka Streams takes. */
  public Properties streams() {
    Properties p = new Properties();
    p.putAll(common());
    return p;
  }

  /** The settings with secrets (JAAS config, passwords) masked, for logs and errors. */
  @Override
  public String toString() {
    Map<String, Object> shown = new TreeMap<>();
    common().forEach((k, v) -> shown.put(k, SECRET_KEYS.contains(k) ? "[hidden]" : v));
    return "KafkaClientConfigs" + shown;
  }

  private Map<String, Object> withClientId(String clientId) {
    Map<String, Object> c = common();
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, Objects.requireNonNull(clientId, "clientId"));
    return c;
  }

  private static String requireServers(String bootstrapServers) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("Kafka bootstrap servers are required");
    }
    return bootstrapServers.trim();
  }

  private static Map<String, String> envToConfig() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("KAFKA_SECURITY_PROTOCOL", CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    m.put("KAFKA_SASL_MECHANISM", SaslConfigs.SASL_MECHANISM);
    m.put("KAFKA_SASL_JAAS_CONFIG", SaslConfigs.SASL_JAAS_CONFIG);
    for (String ssl :
        List.of(
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
            SslConfigs.SSL_KEY_PASSWORD_CONFIG,
            SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG)) {
      m.put("KAFKA_" + ssl.replace('.', '_').toUpperCase(Locale.ROOT), ssl);
    }
    return Map.copyOf(m);
  }

  private static void rejectUnknownSslVariables(Map<String, String> env) {
    for (String name : env.keySet()) {
      if (name.startsWith(SSL_ENV_PREFIX) && !ENV_TO_CONFIG.containsKey(name)) {
        throw new IllegalArgumentException(
            "Unknown variable "
                + name
                + "; the TLS settings read are "
                + new TreeMap<>(ENV_TO_CONFIG)
                    .keySet().stream().filter(n -> n.startsWith(SSL_ENV_PREFIX)).toList()
                + " (others go into the "
                + PROPERTIES_FILE_ENV
                + " file)");
      }
    }
  }

  private static Map<String, Object> readPropertiesFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          PROPERTIES_FILE_ENV + " names " + file + ", which is not a readable file");
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PROPERTIES_FILE_ENV + " file " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (p.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException(
          PROPERTIES_FILE_ENV
              + " file "
              + file
              + " sets bootstrap.servers; set KAFKA_BOOTSTRAP_SERVERS instead, so every role and"
              + " the embedded broker agree on it");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return m;
  }

  private static void validate(Map<String, Object> c) {
    Object protocol = c.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    if (protocol != null) {
      String name = protocol.toString().toUpperCase(Locale.ROOT);
      if (!SecurityProtocol.names().contains(name)) {
        throw new IllegalArgumentException(
            "KAFKA_SECURITY_PROTOCOL (security.protocol) is '"
                + protocol
                + "'; expected one of "
                + SecurityProtocol.names());
      }
      c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, name);
    }
    String effective =
        protocol == null ? "PLAINTEXT" : protocol.toString().toUpperCase(Locale.ROOT);
    boolean sasl = SASL_PROTOCOLS.contains(effective);
    for (String saslKey : List.of(SaslConfigs.SASL_MECHANISM, SaslConfigs.SASL_JAAS_CONFIG)) {
      if (c.containsKey(saslKey) && !sasl) {
        throw new IllegalArgumentException(
            saslKey
                + " is set but security.protocol is "
                + effective
                + "; SASL needs KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT");
      }
    }
    if (sasl
        && !c.containsKey(SaslConfigs.SASL_JAAS_CONFIG)
        && System.getProperty("java.security.auth.login.config") == null) {
      throw new IllegalArgumentException(
          "security.protocol is "
              + effective
              + " but no credentials are configured: set KAFKA_SASL_JAAS_CONFIG (sasl.jaas.config)");
    }
    for (String store :
        List.of(
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)) {
      Object location = c.get(store);
      if (location != null && !Files.isReadable(Path.of(location.toString()))) {
        throw new IllegalArgumentException(
            store + " names " + location + ", which is not a readable file");
      }
    }
  }
}
