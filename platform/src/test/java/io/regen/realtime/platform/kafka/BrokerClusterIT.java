package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
 * node with status 0.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BrokerClusterIT {
  @TempDir Path dataDir;

  @Test
  void threeBrokersFormAClusterThatReplicatesThePlatformTopics() throws Exception {
    int[] ports = new int[3];
    int[] controllerPorts = new int[3];
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ports[i] = FreePorts.next();
      controllerPorts[i] = FreePorts.next();
      voters.add((i + 1) + "@localhost:" + controllerPorts[i]);
    }
    String quorum = String.join(",", voters);
    String bootstrap = "localhost:" + ports[0] + ",localhost:" + ports[1];
    List<RegenProcess> brokers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        brokers.add(
            RegenProcess.start(
                Map.of("REGEN_DATA_DIR", dataDir.toString()),
                Path.of("target", "broker-cluster-it", "broker-" + (i + 1) + ".log"),
                "broker",
                "--node-id",
                Integer.toString(i + 1),
                "--port",
                Integer.toString(ports[i]),
                "--controller-port",
                Integer.toString(controllerPorts[i]),
                "--quorum",
                quorum));
      }
      for (RegenProcess broker : brokers) {
        await()
            .atMost(Duration.ofMinutes(2))
            .failFast("broker exited; see " + broker.log(), () -> !broker.isAlive())
            .untilAsserted(() -> assertThat(broker.output()).contains("regen: ready in"));
      }

      String topicsOutput =
          RegenProcess.runToCompletion(
              Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TOPIC_PARTITIONS", "6"),
              Path.of("target", "broker-cluster-it", "topics.log"),
              "topics");
      assertThat(topicsOutput).contains(Topics.JOB_EVENTS.name() + " created");

      Properties admin = new Properties();
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin client = Admin.create(admin)) {
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
    } finally {
      // All at once: every node's broker part shuts down while the controller quorum still runs.
      brokers.forEach(b -> b.signalTerm());
      for (RegenProcess broker : brokers) {
        assertThat(broker.awaitExit(Duration.ofSeconds(90))).as(broker.log().toString()).isZero();
      }
    }
  }
}
