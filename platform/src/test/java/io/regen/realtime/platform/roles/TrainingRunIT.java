package io.regen.realtime.platform.roles;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.testing.RegenProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data sharing training run of {@code ./regen build}: the gateway role starts fully (web
 * server and management listener), answers a health request on each, stops and exits 0 — against a
 * broker and registry that do not answer, and on free ports whatever {@code PORT} says.
 */
class TrainingRunIT {
  @TempDir Path dataDir;

  @Test
  void theGatewayStartsAnswersHealthOnBothListenersAndExits() throws Exception {
    // Held for the whole run: a training run that bound PORT (or its management port) would fail.
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String output =
          RegenProcess.runToCompletion(
              Map.of(
                  "REGEN_TRAINING_RUN", "true",
                  "PORT", Integer.toString(taken.getLocalPort()),
                  "JWT_SECRET", "training-run-it-secret-of-at-least-32-bytes",
                  "KAFKA_BOOTSTRAP_SERVERS", "localhost:1",
                  "SCHEMA_REGISTRY_URL", "http://localhost:1",
                  "REGEN_DATA_DIR", dataDir.toString()),
              Path.of("target", "training-run", "gateway.log"),
              "gateway");
      // 503: health is DOWN without a broker; an answer is what the training needs.
      assertThat(output).contains("training run: public health answered 503");
      assertThat(output).contains("training run: management health answered 503");
    }
  }
}
