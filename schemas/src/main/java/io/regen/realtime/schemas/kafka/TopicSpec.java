package io.regen.realtime.schemas.kafka;

import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic as provisioning creates it: name, partitions and topic configs (replication and {@code
 * min.insync.replicas} come from {@link Durability}).
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /**
   * A deleting topic kept {@code retention}: the horizon within which a client can resume and a job
   * can be replayed; older records are gone.
   */
  public static TopicSpec retained(Topic<?, ?> topic, int partitions, Duration retention) {
    return new TopicSpec(
        topic.name(),
        partitions,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG,
            Long.toString(retention.toMillis())));
  }

  /** A compacted topic (latest value per key kept forever). */
  public static TopicSpec compacted(String name, int partitions) {
    return new TopicSpec(
        name,
        partitions,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }
}
