package io.regen.realtime.platform.kafka;

import io.regen.realtime.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the platform's topics when they are missing. Existing topics are left alone (their
 * partition count is part of the key-to-partition contract and is never changed here). Replication:
 * min(3, live brokers); {@code min.insync.replicas} 2 when replicated 3 times.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final String bootstrapServers;

  public TopicProvisioner(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** Replication factor for a cluster of {@code brokers} live brokers. */
  public static short replicationFactor(int brokers) {
    return (short) Math.max(1, Math.min(3, brokers));
  }

  /** The number of live brokers in the cluster. */
  public int brokerCount() throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = Admin.create(adminProperties())) {
      return admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
    }
  }

  private Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /**
   * Ensures every topic in {@code topics} exists, creating missing ones with {@code partitions}.
   *
   * @return the names of the topics created now
   */
  public List<String> ensure(List<? extends Topic<?, ?>> topics, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = Admin.create(adminProperties())) {
      int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
      short replication = replicationFactor(brokers);
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : topics) {
        if (!existing.contains(topic.name())) {
          missing.add(
              new NewTopic(topic.name(), partitions, replication)
                  .configs(Map.of("min.insync.replicas", replication >= 3 ? "2" : "1")));
        }
      }
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          created.add(entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // someone else creating it concurrently is fine; anything else is not
          }
        }
      }
      if (!created.isEmpty()) {
        log.info(
            "Created topics {} ({} partitions, replication {})", created, partitions, replication);
      }
      return created;
    }
  }
}
