package io.regen.realtime.platform.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication health of the platform's topics as the cluster reports it, for the alerts (the
 * brokers themselves export no Prometheus metrics, neither embedded nor the {@code apache/kafka}
 * image): {@code regen_kafka_under_replicated_partitions} (in-sync replicas fewer than replicas)
 * and {@code regen_kafka_offline_partitions} (no leader), over {@link Topics#all()} and {@code
 * _schemas}, refreshed every 30 s; -1 while the cluster cannot be asked.
 */
public final class ReplicationMetrics implements MeterBinder, AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(ReplicationMetrics.class);

  private final Admin admin;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "replication-metrics");
            t.setDaemon(true);
            return t;
          });
  private volatile int underReplicated = -1;
  private volatile int offline = -1;

  public ReplicationMetrics(String bootstrapServers) {
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "regen-replication-metrics",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("regen.kafka.under.replicated.partitions", this, m -> m.underReplicated)
        .description(
            "Partitions of the platform's topics with fewer in-sync replicas than replicas")
        .register(registry);
    Gauge.builder("regen.kafka.offline.partitions", this, m -> m.offline)
        .description("Partitions of the platform's topics without a leader")
        .register(registry);
    timer.scheduleWithFixedDelay(this::refresh, 0, PERIOD.toSeconds(), TimeUnit.SECONDS);
  }

  void refresh() {
    List<String> names = new ArrayList<>();
    for (Topic<String, ?> topic : Topics.all()) {
      names.add(topic.name());
    }
    names.add(Topics.SCHEMAS);
    try {
      Map<String, TopicDescription> topics =
          admin.describeTopics(names).allTopicNames().get(15, TimeUnit.SECONDS);
      int under = 0;
      int noLeader = 0;
      for (TopicDescription topic : topics.values()) {
        for (TopicPartitionInfo p : topic.partitions()) {
          if (p.isr().size() < p.replicas().size()) {
            under++;
          }
          if (p.leader() == null || p.leader().isEmpty()) {
            noLeader++;
          }
        }
      }
      underReplicated = under;
      offline = noLeader;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("Could not describe the platform's topics: {}", e.toString());
      underReplicated = -1;
      offline = -1;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}
