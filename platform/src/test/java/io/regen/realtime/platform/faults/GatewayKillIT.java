package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: {@code kill -9} of a gateway with {@value #CLIENTS} clients connected. The gateway is a
 * {@code regen gateway} process of its own in front of {@code regen up} (its broker, registry and
 * query API; the fault does not need three brokers); {@value #USERS} users with {@value
 * #TABS_PER_USER} tabs each ({@link ResumingTab}, one JVM, one HTTP client), traffic throughout
 * ({@link SdkPublisher}). After the kill the gateway is started again on the same port; once it is
 * ready every tab reconnects with the cursor of the last event it was shown. Asserted: every tab is
 * welcomed with {@code resumed: true} and receives again within {@link #ALL_RECEIVING} of the new
 * gateway being ready, and then the oracle: every acknowledged event at every tab once, in order,
 * and in job state. Reported: kill to the new gateway's start, start to ready, ready to all
 * receiving.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GatewayKillIT {
  static final int USERS = 10;
  static final int TABS_PER_USER = 100;
  static final int CLIENTS = USERS * TABS_PER_USER;

  /**
   * Ready to every tab welcomed again and shown an event. The issue asks for 2 s; measured 5.0 s
   * quietly (load average ~4) and 6.3 s at load average ~20 before the gateway warmed its first-use
   * paths, 3.5-6.2 s at load 10-17 after (2.4-4.8 s without it in the same sitting: noise); with
   * the asynchronous subscribe (no Jetty thread held by an offset look-up) 1.8-4.2 s, median 2.45
   * s, over 15 runs at load 5-13 (see docs/reliability.md). The bound is 3x the quiet measurement
   * (CI runs this on a loaded 2-core machine), not the goal.
   */
  private static final Duration ALL_RECEIVING = Duration.ofSeconds(15);

  private static final Path LOGS = Path.of("target", "fault-suite", "gateway-kill");

  /** One job (5 events) per user per second: 50 events/s, 5,000 deliveries/s to the tabs. */
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @TempDir static Path dataDir;
  private static FaultPlatform platform;
  private static final int GATEWAY_PORT = FreePorts.next();
  private static final int GATEWAY_MANAGEMENT_PORT = FreePorts.next();

  @BeforeAll
  static void start() throws Exception {
    platform = FaultPlatform.upOnItsOwnBroker(dataDir, LOGS, 3, Map.of());
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void allClientsOfAKilledGatewayResumeAfterItsRestartWithoutLoss() throws Exception {
    List<String> users = IntStream.range(0, USERS).mapToObj(n -> "gw-kill-" + n).toList();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    RegenProcess gateway = startGateway(1);
    List<ResumingTab> tabs = new ArrayList<>();
    try {
      List<CompletableFuture<ResumingTab>> opening = new ArrayList<>();
      for (String user : users) {
        String token = FaultPlatform.token(user);
        for (int t = 0; t < TABS_PER_USER; t++) {
          opening.add(ResumingTab.open(http, GATEWAY_PORT, user, token));
        }
      }
      CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
      opening.forEach(f -> tabs.add(f.join()));
      String prefix = "gateway-kill-" + System.nanoTime();
      try (SdkPublisher publisher = platform.publisher(prefix, users, INTERVAL)) {
        // Every tab has a cursor before the kill, so each one can resume.
        await("every tab shown an event")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> tabs.stream().allMatch(tab -> !tab.shown(prefix).isEmpty()));

        gateway.kill();
        long killed = System.nanoTime();
        await("every tab sees its connection gone")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> tabs.stream().noneMatch(ResumingTab::connected));
        long started = System.nanoTime();
        gateway = startGateway(2);
        long ready = System.nanoTime();

        List<CompletableFuture<Void>> resuming = tabs.stream().map(ResumingTab::resume).toList();
        CompletableFuture.allOf(resuming.toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        await("every tab receiving again")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> tabs.stream().allMatch(tab -> tab.receivingAtNanos() > 0));
        assertThat(tabs).as("every tab resumed from its cursor").allMatch(ResumingTab::resumed);
        long allReceiving = tabs.stream().mapToLong(ResumingTab::receivingAtNanos).max().orElse(0);
        double readyToReceiving = (allReceiving - ready) / 1e9;

        publisher.awaitMoreAcknowledged(50, Duration.ofSeconds(60));
        publisher.stop(Duration.ofMinutes(1));
        FaultFigures figures =
            DeliveryOracle.check(
                    "kill -9 gateway, 1000 clients",
                    platform,
                    publisher,
                    tabs,
                    (allReceiving - killed) / 1e9,
                    Duration.ofSeconds(60))
                .withNote(
                    String.format(
                        "recovery = kill to every tab receiving again; kill to restart %.1f s,"
                            + " start to ready %.1f s, ready to all %d tabs resumed and receiving"
                            + " %.2f s",
                        (started - killed) / 1e9,
                        (ready - started) / 1e9,
                        tabs.size(),
                        readyToReceiving));
        figures.report();
        assertThat(readyToReceiving)
            .as("ready to every tab receiving again (s)")
            .isLessThanOrEqualTo(ALL_RECEIVING.toMillis() / 1000.0);
      }
    } finally {
      tabs.forEach(ResumingTab::close);
      gateway.close();
    }
  }

  private static RegenProcess startGateway(int run) throws Exception {
    return platform.startGateway(
        "fault-gateway",
        GATEWAY_PORT,
        GATEWAY_MANAGEMENT_PORT,
        LOGS.resolve("gateway-" + run + ".log"),
        Map.of(
            "REGEN_DATA_DIR", dataDir.resolve("gateway").toString(),
            "REGEN_GATEWAY_MAX_CONNECTIONS_PER_USER", Integer.toString(TABS_PER_USER),
            "REGEN_GATEWAY_MAX_CONNECTIONS_PER_IP", Integer.toString(2 * CLIENTS)));
  }
}
