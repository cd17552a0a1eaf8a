package io.regen.realtime.platform.up;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.platform.testing.WsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regen up} with its embedded broker secured ({@code KAFKA_SASL_USERS_FILE}): every
 * in-process client (topics, registry store, Streams, gateway, workers) logs in with the admin
 * credential of one {@code REGEN_KAFKA_PROPERTIES} file, and a job started over a WebSocket runs to
 * completion.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecuredUpIT {
  @TempDir Path dataDir;

  @Test
  void upWithSaslOnItsEmbeddedBrokerRunsAJobWithTheAdminCredential() throws Exception {
    Path users = dataDir.resolve("kafka-users.properties");
    Files.writeString(users, "broker=b-secret-1\nadmin=a-secret-2\n");
    Path admin = dataDir.resolve("admin.properties");
    Files.writeString(
        admin,
        "security.protocol=SASL_PLAINTEXT\n"
            + "sasl.mechanism=SCRAM-SHA-512\n"
            + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"admin\" password=\"a-secret-2\";\n");
    int httpPort = FreePorts.next();
    Map<String, String> env =
        Map.of(
            "PORT", Integer.toString(httpPort),
            "SCHEMA_REGISTRY_PORT", Integer.toString(FreePorts.next()),
            "KAFKA_PORT", Integer.toString(FreePorts.next()),
            "KAFKA_CONTROLLER_PORT", Integer.toString(FreePorts.next()),
            "MANAGEMENT_SERVER_PORT", Integer.toString(FreePorts.next()),
            "REGEN_DATA_DIR", dataDir.toString(),
            "TOPIC_PARTITIONS", "3",
            "KAFKA_SASL_USERS_FILE", users.toString(),
            "REGEN_KAFKA_PROPERTIES", admin.toString());
    Path logs = Path.of("target", "secured-up-it");
    try (RegenProcess up = RegenProcess.start(env, logs.resolve("up.log"), "up")) {
      up.awaitHealthy(httpPort, Duration.ofMinutes(3));
      assertThat(up.output()).contains("role ACLs in place");
      String output =
          RegenProcess.runToCompletion(env, logs.resolve("token.log"), "token", "carol");
      String[] lines = output.strip().split("\n");
      String token = lines[lines.length - 1].strip();
      try (WsClient ws = WsClient.connect(URI.create("ws://localhost:" + httpPort + "/ws"))) {
        ws.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        ws.next(f -> "welcome".equals(f.path("type").asString()), Duration.ofSeconds(30));
        ws.send(
            "{\"type\":\"start_job\",\"id\":\"s1\",\"jobType\":\"model\","
                + "\"input\":{\"prompt\":\"secured up\"},\"idempotencyKey\":\"secured-up-1\"}");
        var ack =
            ws.next(
                f ->
                    "ack".equals(f.path("type").asString()) && "s1".equals(f.path("id").asString()),
                Duration.ofSeconds(60));
        assertThat(
                ws.eventsUntil(
                    ack.path("jobId").asString(), "job:completed:v1", Duration.ofSeconds(120)))
            .extracting(f -> f.path("event").path("type").asString())
            .contains("job:started:v1", "job:completed:v1");
      }
      up.signalTerm();
      assertThat(up.awaitExit(Duration.ofSeconds(90))).isZero();
    }
  }
}
