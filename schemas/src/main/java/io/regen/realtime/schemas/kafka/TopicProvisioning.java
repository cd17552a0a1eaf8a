package io.regen.realtime.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one routine that creates the platform's topics (data topics, the dead-letter topic, the
 * registry's {@code _schemas}). Missing topics are created with the {@link Durability}'s
 * replication factor and {@code min.insync.replicas}; existing ones are checked, never altered:
 * their partition count is part of the key-to-partition contract, and a topic with fewer replicas
 * than the cluster must give is refused (unless under-replication is allowed).
 */
public final class TopicProvisioning {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioning.class);

  private final Admin admin;
  private final Durability durability;
  private final Duration timeout;

  public TopicProvisioning(Admin admin, Durability durability, Duration timeout) {
    this.admin = admin;
    this.durability = durability;
    this.timeout = timeout;
  }

  /** The brokers the cluster reports alive now. */
  public int liveBrokers() {
    return call(() -> admin.describeCluster().nodes().get(ms(), TimeUnit.MILLISECONDS).size());
  }

  /** The replication factor topics get on this cluster now (refused if it cannot give it). */
  public short replicationFactor() {
    return durability.replicationFactor(liveBrokers());
  }

  /**
   * Ensures each topic exists; returns the names created now. Existing topics are described: one
   * with fewer replicas than required is a {@link DurabilityException} (unless allowed); one whose
   * partition count differs from the spec is left as it is (logged).
   */
  public List<String> ensure(List<TopicSpec> topics) {
    short rf = replicationFactor();
    String minIsr = Integer.toString(Durability.minInsyncReplicas(rf));
    Set<String> existing = call(() -> admin.listTopics().names().get(ms(), TimeUnit.MILLISECONDS));
    List<NewTopic> missing = new ArrayList<>();
    List<String> present = new ArrayList<>();
    for (TopicSpec spec : topics) {
      if (existing.contains(spec.name())) {
        present.add(spec.name());
        continue;
      }
      Map<String, String> configs = new HashMap<>(spec.configs());
      configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
      missing.add(new NewTopic(spec.name(), spec.partitions(), rf).configs(configs));
    }
    List<String> created = new ArrayList<>();
    for (var entry : admin.createTopics(missing).values().entrySet()) {
      try {
        entry.getValue().get(ms(), TimeUnit.MILLISECONDS);
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": " + e, e);
        }
        present.add(entry.getKey()); // created concurrently by another instance: check it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted creating " + entry.getKey(), e);
      } catch (TimeoutException e) {
        throw new IllegalStateException("Timed out creating topic " + entry.getKey(), e);
      }
    }
    if (!created.isEmpty()) {
      log.info("Created topics {} (replication {}, min.insync.replicas {})", created, rf, minIsr);
    }
    if (!present.isEmpty()) {
      check(describe(present), topics, rf);
    }
    return created;
  }

  /** The partition count of each named topic. */
  public Map<String, Integer> partitionCounts(List<String> names) {
    Map<String, Integer> counts = new HashMap<>();
    describe(names).forEach((name, d) -> counts.put(name, d.partitions().size()));
    return counts;
  }

  private Map<String, TopicDescription> describe(List<String> names) {
    return call(() -> admin.describeTopics(names).allTopicNames().get(ms(), TimeUnit.MILLISECONDS));
  }

  private void check(Map<String, TopicDescription> described, List<TopicSpec> specs, short rf) {
    for (TopicSpec spec : specs) {
      TopicDescription d = described.get(spec.name());
      if (d == null) {
        continue;
      }
      int replicas = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
      if (replicas < rf) {
        String message =
            "Topic "
                + spec.name()
                + " has replication factor "
                + replicas
                + " but this cluster must give "
                + rf
                + ": add replicas with kafka-reassign-partitions (runbooks/cluster.md), or set"
                + " KAFKA_ALLOW_UNDER_REPLICATED=true to run as it is";
        if (!durability.allowUnderReplicated()) {
          throw new DurabilityException(message);
        }
        log.warn(message);
      }
      if (d.partitions().size() != spec.partitions()) {
        log.info(
            "Topic {} exists with {} partitions (configured {}); left as it is",
            spec.name(),
            d.partitions().size(),
            spec.partitions());
      }
    }
  }

  private long ms() {
    return timeout.toMillis();
  }

  private interface AdminCall<T> {
    T call() throws InterruptedException, ExecutionException, TimeoutException;
  }

  private static <T> T call(AdminCall<T> call) {
    try {
      return call.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted talking to Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot talk to Kafka: " + (e.getCause() != null ? e.getCause() : e), e);
    }
  }
}
