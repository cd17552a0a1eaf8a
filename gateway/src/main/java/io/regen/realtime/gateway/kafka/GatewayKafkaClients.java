package io.regen.realtime.gateway.kafka;

import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.core.env.Environment;

/**
 * Every Kafka client configuration of the gateway, in one place, on top of the platform's
 * connection settings ({@link KafkaClientConfigs}). Consumers are manually assigned (no group),
 * read only committed records, and are tuned for latency: by default the broker answers a fetch as
 * soon as one byte is there ({@link #withFetchMinBytes}); their values stay bytes, decoded by
 * {@link JobEventDecoder} so a bad record is skipped, not fatal. Producers are idempotent with
 * {@code acks=all} and bounded waits.
 */
public final class GatewayKafkaClients {
  static final String DEFAULT_BOOTSTRAP = "localhost:9092";

  private final Map<String, Object> common;
  private final Duration fetchMaxWait;
  private final int fetchMinBytes;

  /**
   * @param bootstrapServers {@code regen.kafka.bootstrap-servers}
   * @param extra further client properties (security etc.), applied to every client; may be empty
   */
  public GatewayKafkaClients(
      String bootstrapServers, Map<String, Object> extra, Duration fetchMaxWait) {
    this(withBootstrap(bootstrapServers, extra), fetchMaxWait, 1);
  }

  private GatewayKafkaClients(Map<String, Object> common, Duration fetchMaxWait, int minBytes) {
    this.common = common;
    this.fetchMaxWait = fetchMaxWait;
    this.fetchMinBytes = minBytes;
  }

  private static Map<String, Object> withBootstrap(String servers, Map<String, Object> extra) {
    Objects.requireNonNull(servers, "bootstrapServers");
    Map<String, Object> c = new HashMap<>(extra);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    return c;
  }

  /**
   * These clients with consumers whose fetches the broker answers once {@code minBytes} are there
   * (or after the max wait); 1 answers at the first record.
   */
  public GatewayKafkaClients withFetchMinBytes(int minBytes) {
    if (minBytes < 1) {
      throw new IllegalArgumentException("fetch.min.bytes must be >= 1, got " + minBytes);
    }
    return new GatewayKafkaClients(common, fetchMaxWait, minBytes);
  }

  /**
   * Clients of the cluster the platform names: {@code regen.kafka.bootstrap-servers}, else {@code
   * KAFKA_BOOTSTRAP_SERVERS}, else {@code localhost:9092}.
   */
  public static GatewayKafkaClients from(Environment env, Duration fetchMaxWait) {
    String bootstrap = bootstrapServers(env);
    // The platform's one source of connection settings (security protocol, SASL, TLS).
    return new GatewayKafkaClients(
        bootstrap, KafkaClientConfigs.fromEnvironment(bootstrap).common(), fetchMaxWait);
  }

  /** The bootstrap servers the platform's properties name (see {@link #from}). */
  public static String bootstrapServers(Environment env) {
    for (String name : new String[] {"regen.kafka.bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS"}) {
      String value = env.getProperty(name);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return DEFAULT_BOOTSTRAP;
  }

  /** A manually assigned, read-committed consumer of raw event records. */
  public KafkaConsumer<String, byte[]> consumer(String clientId, String autoOffsetReset) {
    return new KafkaConsumer<>(consumerConfig(clientId, autoOffsetReset));
  }

  /** The configuration {@link #consumer} creates its consumer with; visible for tests. */
  Map<String, Object> consumerConfig(String clientId, String autoOffsetReset) {
    Map<String, Object> c = new HashMap<>(common);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, fetchMinBytes);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchMaxWait.toMillis());
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return c;
  }

  public Admin admin(String clientId) {
    Map<String, Object> c = new HashMap<>(common);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return Admin.create(c);
  }

  /**
   * The producer of job requests: a start or cancel during a broker outage fails within bounded
   * waits (an error frame), never hangs.
   */
  public <V> KafkaProducer<String, V> requestProducer(String clientId, Serializer<V> values) {
    Map<String, Object> c = producerConfig(clientId);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    return new KafkaProducer<>(c, new StringSerializer(), values);
  }

  /**
   * The producer of session events: batched a little, a small buffer; only its sender thread ever
   * waits on it, and the bound keeps close() prompt.
   *
   * @param overrides settings applied last (tests shorten waits)
   */
  public <V> KafkaProducer<String, V> sessionEventProducer(
      String clientId, Serializer<V> values, Map<String, Object> overrides) {
    Map<String, Object> c = producerConfig(clientId);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * 1024 * 1024);
    c.putAll(overrides);
    return new KafkaProducer<>(c, new StringSerializer(), values);
  }

  private Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> c = new HashMap<>(common);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return c;
  }
}
