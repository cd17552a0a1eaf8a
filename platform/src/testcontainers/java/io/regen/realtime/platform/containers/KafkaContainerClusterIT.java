package io.regen.realtime.platform.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.platform.testing.WsClient;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.Published;
import io.regen.realtime.sdk.RegenWorkerClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;

/**
 * The optional container path ({@code -Ptestcontainers}, Docker required, skipped without): a
 * three-broker {@code apache/kafka} KRaft cluster (RF 3, min ISR 2) in containers, {@code regen up}
 * against it ({@code KAFKA_BOOTSTRAP_SERVERS} set: no embedded broker; topics created with RF 3), a
 * job published through the worker SDK (acks=all) acknowledged by the cluster and delivered live,
 * in order, to a WebSocket client.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KafkaContainerClusterIT {
  private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.0");
  private static final String CLUSTER_ID = "4L6g3nShT-eMCtK--X86sw";
  private static final int EXTERNAL = 19092;
  private static final String SECRET = "container-it-secret-0123456789-0123456789";

  private static final Network network = Network.newNetwork();
  private static final List<GenericContainer<?>> brokers = new ArrayList<>();
  private static final int[] hostPorts = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
  private static final int httpPort = FreePorts.next();
  private static final int registryPort = FreePorts.next();
  private static RegenProcess up;

  private static String bootstrap() {
    return "localhost:" + hostPorts[0] + ",localhost:" + hostPorts[1] + ",localhost:" + hostPorts[2];
  }

  @BeforeAll
  static void start() throws Exception {
    for (int id = 1; id <= 3; id++) {
      int hostPort = hostPorts[id - 1];
      GenericContainer<?> broker =
          new GenericContainer<>(KAFKA)
              .withNetwork(network)
              .withNetworkAliases("kafka-" + id)
              .withEnv("CLUSTER_ID", CLUSTER_ID)
              .withEnv("KAFKA_NODE_ID", Integer.toString(id))
              .withEnv("KAFKA_PROCESS_ROLES", "broker,controller")
              .withEnv(
                  "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
              .withEnv("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:" + EXTERNAL)
              .withEnv(
                  "KAFKA_ADVERTISED_LISTENERS",
                  "PLAINTEXT://kafka-" + id + ":9092,EXTERNAL://localhost:" + hostPort)
              .withEnv(
                  "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                  "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT")
              .withEnv("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
              .withEnv("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT")
              .withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
              .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "2")
              .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
              .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
              .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
              .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
              .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
              // The advertised host port must be known before start: bind it explicitly.
              .withCreateContainerCmdModifier(
                  cmd ->
                      cmd.getHostConfig()
                          .withPortBindings(
                              new PortBinding(
                                  Ports.Binding.bindPort(hostPort), new ExposedPort(EXTERNAL))))
              .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1))
              .withStartupTimeout(Duration.ofMinutes(3));
      brokers.add(broker);
    }
    brokers.parallelStream().forEach(GenericContainer::start);

    Path dataDir = Files.createTempDirectory("regen-container-it");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
    env.put("PORT", Integer.toString(httpPort));
    env.put("SCHEMA_REGISTRY_PORT", Integer.toString(registryPort));
    env.put("REGEN_DATA_DIR", dataDir.toString());
    env.put("JWT_SECRET", SECRET);
    up = RegenProcess.start(env, Path.of("target", "container-it", "up.log"), "up");
    up.awaitHealthy(httpPort, Duration.ofMinutes(3));
  }

  @AfterAll
  static void stop() throws Exception {
    if (up != null) {
      up.terminate(Duration.ofSeconds(90));
    }
    brokers.forEach(GenericContainer::stop);
    network.close();
  }

  @Test
  void aJobPublishedThroughTheSdkIsAcknowledgedByTheClusterAndDeliveredLive() throws Exception {
    String userId = "container-" + UUID.randomUUID();
    String jobId = "container-job-" + UUID.randomUUID();
    String token =
        lastLine(
            RegenProcess.runToCompletion(
                Map.of("JWT_SECRET", SECRET),
                Path.of("target", "container-it", "token.log"),
                "token",
                userId));
    try (WsClient ws = WsClient.connect(URI.create("ws://localhost:" + httpPort + "/ws"))) {
      ws.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
      assertThat(ws.next(f -> "welcome".equals(f.path("type").asString()), Duration.ofSeconds(30)))
          .isNotNull();
      try (RegenWorkerClient client =
          RegenWorkerClient.builder()
              .bootstrapServers(bootstrap())
              .schemaRegistry("http://localhost:" + registryPort)
              .workerId("container-worker")
              .build()) {
        JobHandle job = client.startJob(jobId, userId, "model", "container test");
        for (int i = 1; i <= 10; i++) {
          job.progress(i * 10, "step " + i);
        }
        Published completed = job.complete("done").get(60, TimeUnit.SECONDS);
        assertThat(completed).isNotNull();
      }
      List<JsonNode> live = ws.eventsUntil(jobId, "job:completed:v1", Duration.ofSeconds(60));
      assertThat(live)
          .extracting(f -> f.path("event").path("seq").asLong())
          .containsExactlyElementsOf(LongStream.range(0, 12).boxed().toList());
    }
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
