package io.regen.realtime.platform.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regen up} fails cleanly: a clear message, status 1, and what it had started is stopped.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class UpFailureIT {
  @TempDir Path dataDir;

  @Test
  void anOccupiedHttpPortStopsTheStartWithStatusOneAndFreesEverythingElse() throws Exception {
    int registryPort = FreePorts.next();
    int kafkaPort = FreePorts.next();
    int controllerPort = FreePorts.next();
    try (ServerSocket occupied = new ServerSocket()) {
      occupied.bind(new InetSocketAddress("0.0.0.0", 0));
      int httpPort = occupied.getLocalPort();
      Map<String, String> env =
          Map.of(
              "PORT", Integer.toString(httpPort),
              "SCHEMA_REGISTRY_PORT", Integer.toString(registryPort),
              "KAFKA_PORT", Integer.toString(kafkaPort),
              "KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
              "REGEN_DATA_DIR", dataDir.toString());
      try (RegenProcess up =
          RegenProcess.start(env, Path.of("target", "up-failure-it", "up.log"), "up")) {
        assertThat(up.awaitExit(Duration.ofMinutes(3))).isEqualTo(1);
        assertThat(up.output()).contains("regen up: failed").contains("Stopped Kafka broker");
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(List.of(registryPort, kafkaPort, controllerPort))
                    .allMatch(FreePorts::isFree));
  }

  @Test
  void aSecuredEmbeddedBrokerWithoutAClientCredentialIsRefusedBeforeAnythingStarts()
      throws Exception {
    Path users = dataDir.resolve("kafka-users.properties");
    Files.writeString(users, "broker=b-pass\nadmin=a-pass\n");
    try (RegenProcess up =
        RegenProcess.start(
            Map.of("KAFKA_SASL_USERS_FILE", users.toString(), "REGEN_DATA_DIR", dataDir.toString()),
            Path.of("target", "up-failure-it", "sasl-without-credential.log"),
            "up")) {
      assertThat(up.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(up.output())
          .contains("KAFKA_SASL_USERS_FILE secures the embedded broker")
          .contains("REGEN_KAFKA_PROPERTIES")
          .doesNotContain("Kafka broker (KRaft) on");
    }
  }

  @Test
  void anInvalidSettingIsAUsageErrorBeforeAnythingStarts() throws Exception {
    try (RegenProcess up =
        RegenProcess.start(
            Map.of("PORT", "eighty", "REGEN_DATA_DIR", dataDir.toString()),
            Path.of("target", "up-failure-it", "bad-port.log"),
            "up")) {
      assertThat(up.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(up.output()).contains("PORT must be a number, got 'eighty'");
    }
  }
}
