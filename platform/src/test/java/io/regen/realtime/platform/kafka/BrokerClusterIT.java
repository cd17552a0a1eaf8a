package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.testing.BrokerCluster;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code regen broker} processes with one quorum form a cluster: {@code regen topics} creates
 * the platform's topics replicated three times, acks=all writes succeed, and SIGTERM stops every
 * node with status 0 — also the last node standing, whose controller quorum is gone and which
 * therefore never gets its controlled shutdown approved.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BrokerClusterIT {
  @TempDir Path dataDir;

  @Test
  void threeBrokersFormAClusterThatReplicatesThePlatformTopics() throws Exception {
    BrokerCluster cluster = BrokerCluster.start(dataDir, Path.of("target", "broker-cluster-it"));
    try {
      String bootstrap = cluster.bootstrap();
      String topicsOutput =
          RegenProcess.runToCompletion(
              Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TOPIC_PARTITIONS", "6"),
              Path.of("target", "broker-cluster-it", "topics.log"),
              "topics");
      assertThat(topicsOutput).contains(Topics.JOB_EVENTS.name() + " created");

      try (Admin client = cluster.admin()) {
        assertThat(client.describeCluster().nodes().get()).hasSize(3);
        TopicDescription events =
            client
                .describeTopics(List.of(Topics.JOB_EVENTS.name()))
                .allTopicNames()
                .get()
                .get(Topics.JOB_EVENTS.name());
        assertThat(events.partitions()).hasSize(6);
        assertThat(events.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      }
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ProducerConfig.ACKS_CONFIG,
                  "all"),
              new StringSerializer(),
              new StringSerializer())) {
        // min.insync.replicas is 2: an acknowledged write is on at least two brokers.
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS.name(), "alice", "x")).get();
      }
      // All at once: every node's broker part shuts down while the controller quorum still runs.
      assertThat(cluster.terminateAll(Duration.ofSeconds(90))).containsOnly(0);
    } finally {
      cluster.close();
    }
  }

  @Test
  void theLastNodeStandingStopsOnSigtermWithoutAQuorum() throws Exception {
    BrokerCluster cluster =
        BrokerCluster.start(dataDir.resolve("last"), Path.of("target", "broker-cluster-it-last"));
    try {
      cluster.kill(0);
      cluster.kill(1);
      cluster.node(2).signalTerm();
      // Kafka alone would wait five minutes for an approval no controller can give.
      Duration bound = EmbeddedKraftBroker.CONTROLLED_SHUTDOWN_WAIT.plus(Duration.ofSeconds(45));
      assertThat(cluster.node(2).awaitExit(bound)).isZero();
    } finally {
      cluster.close();
    }
  }
}
