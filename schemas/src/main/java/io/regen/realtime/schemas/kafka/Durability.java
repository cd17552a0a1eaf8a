package io.regen.realtime.schemas.kafka;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How durable the platform's topics must be, from the cluster size the operator expects (not the
 * brokers that happen to be alive when a topic is created): replication factor min(3, expected
 * brokers) and {@code min.insync.replicas} 2 once replicated 3 times (1 below), for every topic,
 * Kafka Streams' changelog and repartition topics included.
 *
 * @param expectedBrokers the cluster size the platform is deployed on ({@code
 *     KAFKA_EXPECTED_BROKERS})
 * @param allowUnderReplicated accept fewer live brokers than that and create topics with what is
 *     there ({@code KAFKA_ALLOW_UNDER_REPLICATED=true}); otherwise such a start is refused
 */
public record Durability(int expectedBrokers, boolean allowUnderReplicated) {
  public static final int MAX_REPLICATION = 3;

  public Durability {
    if (expectedBrokers < 1) {
      throw new IllegalArgumentException("expected brokers must be >= 1: " + expectedBrokers);
    }
  }

  /** Expect {@code brokers} brokers and refuse to run on fewer. */
  public static Durability expecting(int brokers) {
    return new Durability(brokers, false);
  }

  /**
   * The replication factor for topics on a cluster with {@code liveBrokers} brokers up: min(3,
   * max(expected, live)).
   *
   * @throws DurabilityException when fewer brokers are up than that needs, unless under-replication
   *     is allowed (then min(3, live))
   */
  public short replicationFactor(int liveBrokers) {
    int wanted = Math.min(MAX_REPLICATION, Math.max(expectedBrokers, liveBrokers));
    if (liveBrokers >= wanted) {
      return (short) wanted;
    }
    if (allowUnderReplicated) {
      return (short) Math.max(1, Math.min(MAX_REPLICATION, liveBrokers));
    }
    throw new DurabilityException(
        "Kafka has "
            + liveBrokers
            + " live broker(s) but the platform expects "
            + expectedBrokers
            + " (KAFKA_EXPECTED_BROKERS): topics need replication factor "
            + wanted
            + " with min.insync.replicas "
            + minInsyncReplicas((short) wanted)
            + ". Start the missing brokers, or set KAFKA_ALLOW_UNDER_REPLICATED=true to run with"
            + " replication "
            + Math.max(1, liveBrokers)
            + " (data then survives no broker loss).");
  }

  /** {@code min.insync.replicas} for a replication factor: 2 from 3 replicas on, else 1. */
  public static int minInsyncReplicas(short replicationFactor) {
    return replicationFactor >= MAX_REPLICATION ? 2 : 1;
  }

  /**
   * Kafka Streams properties giving its internal topics (changelogs, repartition topics) the same
   * durability: {@code replication.factor} and {@code topic.min.insync.replicas}.
   */
  public Map<String, Object> streamsProperties(int liveBrokers) {
    short rf = replicationFactor(liveBrokers);
    return Map.of(
        "replication.factor",
        (int) rf,
        "topic." + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
        Integer.toString(minInsyncReplicas(rf)));
  }
}
