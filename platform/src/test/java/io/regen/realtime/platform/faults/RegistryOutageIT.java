package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fault (issue 11 item 1, end to end): the schema registry down for {@value #OUTAGE_S} s while the
 * gateway, the stream processors and a worker restart, with a new version of the job event schema
 * registered just before ({@link EvolvedSchemaWriter} writes with it throughout). The roles run as
 * separate processes ({@code regen broker}, {@code regen registry}, {@code regen streams}, {@code
 * regen gateway}, a {@link PacedWorkerMain} worker) so each can be restarted: after the registry is
 * killed, the worker (mid-job), Streams and the gateway are {@code kill -9}ed and started again
 * with empty schema caches while it is down; held {@value #OUTAGE_S} s (asserted: the registry
 * unreachable and every restarted process alive throughout); then the registry is started again.
 * Asserted once traffic stopped: the oracle (every acknowledged event at every tab once, in order,
 * and in job state), every event of the newer schema version at its user's tabs and its jobs in
 * state, the worker's job completed, and nothing counted undecodable by the gateway.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RegistryOutageIT {
  static final int OUTAGE_S = 30;
  private static final Path LOGS = Path.of("target", "fault-suite", "registry-outage");
  private static final Duration START = Duration.ofMinutes(3);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dataDir;

  private final int kafkaPort = FreePorts.next();
  private final int controllerPort = FreePorts.next();
  private final int registryPort = FreePorts.next();
  private final int streamsPort = FreePorts.next();
  private final int gatewayPort = FreePorts.next();
  private final int gatewayManagementPort = FreePorts.next();
  private final String bootstrap = "localhost:" + kafkaPort;
  private final String registryUrl = "http://localhost:" + registryPort;
  private final List<RegenProcess> started = new ArrayList<>();

  @Test
  void nothingIsSkippedWhileTheRegistryIsDownAndEverythingArrivesOnceAfter() throws Exception {
    try {
      RegenProcess broker =
          start(
              Map.of("REGEN_DATA_DIR", dataDir.resolve("broker").toString()),
              "broker-1",
              "broker",
              "--node-id",
              "1",
              "--port",
              Integer.toString(kafkaPort),
              "--controller-port",
              Integer.toString(controllerPort));
      awaitReady(broker);
      RegenProcess.runToCompletion(
          Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "TOPIC_PARTITIONS", "3"),
          LOGS.resolve("topics.log"),
          "topics");
      RegenProcess registry = startRegistry(1);
      RegenProcess streams = startSpring("streams", 1, streamsPort);
      RegenProcess gateway = startSpring("gateway", 1, gatewayPort);
      RegenProcess worker = startWorker(1);
      awaitHealthy(streams, streamsPort);
      awaitHealthy(gateway, gatewayPort);
      awaitWorkerReady(worker);
      FaultPlatform platform =
          FaultPlatform.around(bootstrap, gatewayPort, registryPort, gatewayManagementPort, 3);

      HttpClient http = HttpClient.newHttpClient();
      List<ResumingTab> tabs = new ArrayList<>();
      for (String user : FaultRun.USERS) {
        for (int t = 0; t < FaultRun.TABS; t++) {
          tabs.add(
              ResumingTab.open(http, gatewayPort, user, FaultPlatform.token(user))
                  .get(30, TimeUnit.SECONDS));
        }
      }
      String user = FaultRun.USERS.get(0);
      String prefix = "registry-outage-" + System.nanoTime();
      try (SdkPublisher publisher = platform.publisher(prefix, FaultRun.USERS, FaultRun.INTERVAL);
          EvolvedSchemaWriter evolved =
              new EvolvedSchemaWriter(bootstrap, registryUrl, "evolved-" + prefix, user)) {
        evolved.start(Duration.ofMillis(200));
        publisher.awaitMoreAcknowledged(20, Duration.ofSeconds(30));
        await("events of the newer schema version shown")
            .atMost(Duration.ofSeconds(30))
            .until(() -> !tabs.get(0).shown(evolved.prefix()).isEmpty());
        String pacedJob = startPacedJob(platform, user);
        await("the worker is running the job")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> jobRunning(platform, user, pacedJob));

        // The outage: registry gone, then every reader restarted with an empty schema cache.
        registry.kill();
        long down = System.nanoTime();
        worker.kill();
        RegenProcess worker2 = startWorker(2);
        streams.kill();
        RegenProcess streams2 = startSpring("streams", 2, streamsPort);
        gateway.kill();
        RegenProcess gateway2 = startSpring("gateway", 2, gatewayPort);
        long restarted = System.nanoTime();
        long held = Duration.ofSeconds(OUTAGE_S).toNanos() - (restarted - down);
        await("registry down, restarted processes alive")
            .during(Duration.ofNanos(Math.max(0, held)))
            .atMost(Duration.ofNanos(Math.max(0, held)).plusSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    RegenProcess.healthStatus(registryPort) == -1
                        && worker2.isAlive()
                        && streams2.isAlive()
                        && gateway2.isAlive());
        long acknowledgedWhileDown = publisher.acknowledged();
        RegenProcess registry2 = startRegistry(2);
        long back = System.nanoTime();

        awaitHealthy(streams2, streamsPort);
        awaitHealthy(gateway2, gatewayPort);
        List<CompletableFuture<Void>> resuming = tabs.stream().map(ResumingTab::resume).toList();
        CompletableFuture.allOf(resuming.toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);
        assertThat(tabs).as("every tab resumed from its cursor").allMatch(ResumingTab::resumed);
        await("every tab receiving again")
            .atMost(Duration.ofSeconds(60))
            .until(() -> tabs.stream().allMatch(tab -> tab.receivingAtNanos() > 0));
        double recovery =
            (tabs.stream().mapToLong(ResumingTab::receivingAtNanos).max().orElse(0) - back) / 1e9;

        publisher.awaitMoreAcknowledged(20, Duration.ofSeconds(60));
        evolved.stop();
        publisher.stop(Duration.ofMinutes(1));
        FaultFigures figures =
            DeliveryOracle.check(
                "registry down 30 s + restarts",
                platform,
                publisher,
                tabs,
                recovery,
                Duration.ofSeconds(90));

        Set<EventId> evolvedAcked = evolved.acknowledged();
        assertNewerVersionDelivered(platform, evolved, tabs, user);
        await("the worker's job completed after the outage")
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .untilAsserted(
                () -> assertCompleted(platform, user, pacedJob, PacedWorkerMain.CHUNKS + 1L));
        assertThat(platform.metric("delivery_records_undecodable_total"))
            .as("records the gateway skipped as undecodable")
            .isZero();
        figures
            .withNote(
                String.format(
                    "registry down %.1f s; worker (mid-job), streams, gateway kill -9ed and"
                        + " restarted while down; %d events acknowledged by then; newer schema"
                        + " version: %d events, %d jobs complete in state; worker's job"
                        + " completed; 0 undecodable; recovery = registry back to every tab"
                        + " receiving",
                    (back - down) / 1e9,
                    acknowledgedWhileDown,
                    evolvedAcked.size(),
                    evolved.completedJobs().size()))
            .report();
      } finally {
        tabs.forEach(ResumingTab::close);
      }
    } finally {
      for (RegenProcess p : started) {
        p.close();
      }
    }
  }

  /** The newer schema version's events: at every tab of the user, once, and in state. */
  private static void assertNewerVersionDelivered(
      FaultPlatform platform, EvolvedSchemaWriter evolved, List<ResumingTab> tabs, String user)
      throws Exception {
    Set<EventId> evolvedAcked = evolved.acknowledged();
    await("events of the newer schema version at every tab")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (ResumingTab tab : tabs) {
                if (tab.user().equals(user)) {
                  assertThat(Set.copyOf(tab.shown(evolved.prefix()))).containsAll(evolvedAcked);
                }
              }
            });
    for (ResumingTab tab : tabs) {
      List<EventId> shown = tab.shown(evolved.prefix());
      assertThat(shown).as("newer-version events shown once").doesNotHaveDuplicates();
    }
    for (String job : evolved.completedJobs()) {
      assertCompleted(platform, user, job, SdkPublisher.EVENTS_PER_JOB - 1L);
    }
  }

  private static String startPacedJob(FaultPlatform platform, String user) throws Exception {
    HttpResponse<String> response =
        platform.post(
            "/api/jobs",
            user,
            "{\"jobType\":\"" + PacedWorkerMain.JOB_TYPE + "\",\"input\":{\"prompt\":\"x\"}}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("jobId").asString();
  }

  private static boolean jobRunning(FaultPlatform platform, String user, String jobId)
      throws Exception {
    HttpResponse<String> r = platform.get("/api/job/" + jobId + "/state", user);
    return r.statusCode() == 200
        && "RUNNING".equals(JSON.readTree(r.body()).path("status").asString());
  }

  private static void assertCompleted(
      FaultPlatform platform, String user, String jobId, long lastSeq) throws Exception {
    HttpResponse<String> response = platform.get("/api/job/" + jobId + "/state", user);
    assertThat(response.statusCode()).as("state of %s: %s", jobId, response.body()).isEqualTo(200);
    JsonNode state = JSON.readTree(response.body());
    assertThat(state.path("status").asString()).as("status of %s", jobId).isEqualTo("COMPLETED");
    assertThat(state.path("lastSeq").asLong()).as("last seq of %s", jobId).isEqualTo(lastSeq);
  }

  private RegenProcess startRegistry(int run) throws Exception {
    RegenProcess registry =
        start(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrap,
                "SCHEMA_REGISTRY_PORT",
                Integer.toString(registryPort),
                "SCHEMA_REGISTRY_BIND_ADDRESS",
                "127.0.0.1"),
            "registry-" + run,
            "registry");
    awaitReady(registry);
    return registry;
  }

  private RegenProcess startSpring(String role, int run, int port) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("SCHEMA_REGISTRY_URL", registryUrl);
    env.put("JWT_SECRET", FaultPlatform.SECRET);
    env.put("PORT", Integer.toString(port));
    env.put("REGEN_NODE_ID", role + "-fault");
    env.put("REGEN_DATA_DIR", dataDir.resolve(role).toString());
    env.put("REGEN_GATEWAY_EDGE_RESTREQUESTSPERMINUTE", "1000000");
    if (role.equals("gateway")) {
      env.put("QUERY_API_URL", "http://localhost:" + streamsPort);
      env.put("MANAGEMENT_SERVER_PORT", Integer.toString(gatewayManagementPort));
    } else {
      env.put("MANAGEMENT_SERVER_PORT", Integer.toString(FreePorts.next()));
    }
    return start(env, role + "-" + run, role);
  }

  private RegenProcess startWorker(int run) throws Exception {
    RegenProcess worker =
        RegenProcess.startMain(
            Map.of(),
            LOGS.resolve("worker-" + run + ".log"),
            PacedWorkerMain.class.getName(),
            bootstrap,
            registryUrl,
            "paced-worker");
    started.add(worker);
    return worker;
  }

  private RegenProcess start(Map<String, String> env, String logName, String... args)
      throws Exception {
    RegenProcess p = RegenProcess.start(env, LOGS.resolve(logName + ".log"), args);
    started.add(p);
    return p;
  }

  private static void awaitReady(RegenProcess p) {
    await()
        .atMost(START)
        .failFast(() -> p.assertRunning("regen"))
        .until(() -> p.output().contains("ready in"));
  }

  private static void awaitHealthy(RegenProcess p, int port) {
    p.awaitHealthy(port, START);
  }

  private static void awaitWorkerReady(RegenProcess worker) {
    await()
        .atMost(START)
        .failFast(() -> worker.assertRunning("worker"))
        .until(() -> worker.output().contains("ready"));
  }
}
