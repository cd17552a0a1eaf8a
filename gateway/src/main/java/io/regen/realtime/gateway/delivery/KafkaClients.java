package io.regen.realtime.gateway.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Builds delivery's Kafka clients. Every consumer is manually assigned (no group), reads only
 * committed records, and is tuned for latency: the broker answers a fetch as soon as one byte is
 * there. Values stay bytes; delivery decodes them itself so a bad record is skipped, not fatal.
 */
public final class KafkaClients {
  private final Map<String, Object> common;
  private final Duration fetchMaxWait;

  /**
   * @param bootstrapServers {@code regen.kafka.bootstrap-servers}
   * @param extra further client properties (security etc.), applied to every client; may be empty
   */
  public KafkaClients(String bootstrapServers, Map<String, Object> extra, Duration fetchMaxWait) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.common = new HashMap<>(extra);
    this.common.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.fetchMaxWait = fetchMaxWait;
  }

  public KafkaConsumer<String, byte[]> consumer(String clientId, String autoOffsetReset) {
    Map<String, Object> c = new HashMap<>(common);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchMaxWait.toMillis());
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new KafkaConsumer<>(c);
  }

  public Admin admin(String clientId) {
    Map<String, Object> c = new HashMap<>(common);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return Admin.create(c);
  }
}
