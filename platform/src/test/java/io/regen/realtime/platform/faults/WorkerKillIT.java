package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.platform.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fault: {@code kill -9} of a worker process mid-job (issue 11 item 7). {@code regen up} (one
 * broker, registry, streams, gateway), a WebSocket tab that starts a job of type {@value
 * PacedWorkerMain#JOB_TYPE}, and a worker SDK process ({@link PacedWorkerMain}) running it. The
 * worker is killed after a few chunks; a replacement runs the job again. Shown: the request was not
 * committed, the re-run is attempt 2 from seq 0, the tab sees attempt 1's events then attempt 2's,
 * each (attempt, seq) once and in order, job state follows attempt 2 only (its response, not a
 * splice), and a tab resuming from a cursor taken in attempt 1 receives the rest in the same order.
 * Reports its {@link FaultFigures} (single broker: the fault does not need three).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkerKillIT {
  private static final Path LOGS = Path.of("target", "fault-suite");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int KILL_AFTER_CHUNKS = 4;

  @TempDir Path dataDir;

  private final int httpPort = FreePorts.next();
  private final int registryPort = FreePorts.next();
  private final int kafkaPort = FreePorts.next();
  private final int controllerPort = FreePorts.next();
  private final String user = "kill-" + UUID.randomUUID();

  @Test
  void aJobWhoseWorkerIsKilledRunsAgainAsAttemptTwoAndStateAndClientsFollowIt() throws Exception {
    String bootstrap = "localhost:" + kafkaPort;
    String registry = "http://localhost:" + registryPort;
    try (RegenProcess up = RegenProcess.start(env(), LOGS.resolve("worker-kill-up.log"), "up")) {
      up.awaitHealthy(httpPort, Duration.ofMinutes(3));
      RegenProcess first = worker(bootstrap, registry, 1);
      RegenProcess second = null;
      try (WsClient tab = tab(null)) {
        tab.send(
            "{\"type\":\"start_job\",\"id\":\"k1\",\"jobType\":\""
                + PacedWorkerMain.JOB_TYPE
                + "\",\"input\":{\"prompt\":\"x\"}}");
        String jobId =
            tab.next(f -> "ack".equals(f.path("type").asString()), TIMEOUT)
                .path("jobId")
                .asString();
        List<JsonNode> seen = new ArrayList<>();
        // started + KILL_AFTER_CHUNKS chunks of attempt 1, then the worker dies.
        while (seen.size() < KILL_AFTER_CHUNKS + 1) {
          seen.add(nextEvent(tab, jobId));
        }
        first.kill();
        long killedAt = System.nanoTime();
        String cursorInAttemptOne = seen.get(1).path("cursor").asString();

        second = worker(bootstrap, registry, 2);
        JsonNode frame;
        do {
          frame = nextEvent(tab, jobId);
          seen.add(frame);
        } while (!isEnd(frame));
        double recoverySeconds = secondsUntilAttemptTwo(seen, killedAt);

        List<int[]> order = attemptAndSeq(seen);
        int attempt2From = firstIndexOfAttempt(order, 2);
        assertThat(attempt2From).as("attempt 2 reached the tab").isPositive();
        List<int[]> attempt1 = order.subList(0, attempt2From);
        List<int[]> attempt2 = order.subList(attempt2From, order.size());
        assertThat(attempt1).allMatch(p -> p[0] == 1);
        assertThat(attempt1.stream().map(p -> p[1]).toList())
            .as("attempt 1 in order, no gap")
            .isEqualTo(IntStream.range(0, attempt1.size()).boxed().toList());
        assertThat(attempt2)
            .as("nothing of attempt 1 after attempt 2 began")
            .allMatch(p -> p[0] == 2);
        assertThat(attempt2.stream().map(p -> p[1]).toList())
            .as("attempt 2 from seq 0: started, every chunk, completed")
            .isEqualTo(IntStream.range(0, PacedWorkerMain.CHUNKS + 2).boxed().toList());
        assertThat(attempt1.size())
            .as("attempt 1 was cut mid-job")
            .isLessThan(PacedWorkerMain.CHUNKS + 2);

        JsonNode state = awaitCompletedState(jobId);
        assertThat(state.path("attempt").asInt()).isEqualTo(2);
        assertThat(state.path("lastSeq").asLong()).isEqualTo(PacedWorkerMain.CHUNKS + 1);
        assertThat(state.path("responseSoFar").asString())
            .as("the response of attempt 2 only, not a splice of both runs")
            .isEqualTo(expectedResponse(2));
        assertThat(state.path("resultSummary").asString()).isEqualTo("attempt 2");

        // A tab that resumes from a cursor of attempt 1 gets the rest of the log in order.
        List<int[]> resumed;
        try (WsClient late = tab(cursorInAttemptOne)) {
          List<JsonNode> frames = new ArrayList<>();
          do {
            frame = nextEvent(late, jobId);
            frames.add(frame);
          } while (!isEnd(frame));
          resumed = attemptAndSeq(frames);
        }
        assertThat(resumed.get(0)).containsExactly(1, 2);
        assertThat(resumed.get(resumed.size() - 1)).containsExactly(2, PacedWorkerMain.CHUNKS + 1);
        assertThat(resumed.subList(firstIndexOfAttempt(resumed, 2), resumed.size()))
            .hasSize(PacedWorkerMain.CHUNKS + 2);

        // Every event of the job in the log was applied once or counted as a duplicate by state.
        long acknowledged = state.path("duplicates").asLong();
        for (JsonNode count : state.path("eventCounts")) {
          acknowledged += count.asLong();
        }
        assertThat(seen).as("every acknowledged event delivered once").hasSize((int) acknowledged);
        int duplicated = seen.size() - distinct(order);
        assertThat(duplicated).isZero();
        new FaultFigures(
                "kill -9 a worker mid-job",
                new FaultFigures.Traffic(
                    acknowledged, acknowledged, seen.size(), 1, duplicated, 0, 1),
                recoverySeconds,
                String.format(
                    "attempt 1: %d events shown, attempt 2: %d; recovery = kill to the first event"
                        + " of attempt 2; produced = events in the log (the killed process's"
                        + " unacknowledged sends are unknowable)",
                    attempt1.size(), attempt2.size()))
            .report();
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }

  private RegenProcess worker(String bootstrap, String registry, int n) throws Exception {
    RegenProcess worker =
        RegenProcess.startMain(
            Map.of(),
            LOGS.resolve("worker-kill-worker-" + n + ".log"),
            PacedWorkerMain.class.getName(),
            bootstrap,
            registry,
            "paced-worker");
    await()
        .atMost(TIMEOUT)
        .failFast(() -> worker.assertRunning("worker"))
        .until(() -> worker.output().contains("ready"));
    return worker;
  }

  private WsClient tab(String cursor) throws InterruptedException {
    WsClient ws = WsClient.connect(URI.create("ws://localhost:" + httpPort + "/ws"));
    ws.send(
        "{\"type\":\"auth\",\"token\":\""
            + token()
            + "\""
            + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"")
            + "}");
    JsonNode welcome = ws.next(f -> "welcome".equals(f.path("type").asString()), TIMEOUT);
    assertThat(welcome.path("resumed").asBoolean()).isEqualTo(cursor != null);
    return ws;
  }

  private static JsonNode nextEvent(WsClient ws, String jobId) throws InterruptedException {
    return ws.next(
        f ->
            "event".equals(f.path("type").asString())
                && jobId.equals(f.path("event").path("jobId").asString()),
        TIMEOUT);
  }

  private static boolean isEnd(JsonNode frame) {
    return "job:completed:v1".equals(frame.path("event").path("type").asString());
  }

  private static List<int[]> attemptAndSeq(List<JsonNode> frames) {
    return frames.stream()
        .map(
            f ->
                new int[] {
                  f.path("event").path("attempt").asInt(), f.path("event").path("seq").asInt()
                })
        .toList();
  }

  private static int firstIndexOfAttempt(List<int[]> order, int attempt) {
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i)[0] == attempt) {
        return i;
      }
    }
    return -1;
  }

  private static int distinct(List<int[]> order) {
    Set<String> keys = new HashSet<>();
    order.forEach(p -> keys.add(p[0] + "/" + p[1]));
    return keys.size();
  }

  /** The kill to the first attempt-2 frame, from the frames' own occurredAt. */
  private static double secondsUntilAttemptTwo(List<JsonNode> seen, long killedAtNanos) {
    long killedAtMillis =
        System.currentTimeMillis() - (System.nanoTime() - killedAtNanos) / 1_000_000;
    for (JsonNode f : seen) {
      if (f.path("event").path("attempt").asInt() == 2) {
        long at =
            java.time.Instant.parse(f.path("event").path("occurredAt").asString()).toEpochMilli();
        return Math.max(0, at - killedAtMillis) / 1000.0;
      }
    }
    return -1;
  }

  private static String expectedResponse(int attempt) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < PacedWorkerMain.CHUNKS; i++) {
      text.append('a').append(attempt).append("-c").append(i).append(' ');
    }
    return text.toString();
  }

  private JsonNode awaitCompletedState(String jobId) {
    JsonNode[] state = new JsonNode[1];
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> {
              HttpResponse<String> r =
                  HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://localhost:" + httpPort + "/api/job/" + jobId + "/state"))
                          .header("Authorization", "Bearer " + token())
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              state[0] = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
              return state[0] != null && "COMPLETED".equals(state[0].path("status").asString());
            });
    return state[0];
  }

  private Map<String, String> env() {
    return Map.of(
        "PORT", Integer.toString(httpPort),
        "SCHEMA_REGISTRY_PORT", Integer.toString(registryPort),
        "KAFKA_PORT", Integer.toString(kafkaPort),
        "KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
        "MANAGEMENT_SERVER_PORT", Integer.toString(FreePorts.next()),
        "REGEN_DATA_DIR", dataDir.toString(),
        "JWT_SECRET", FaultPlatform.SECRET,
        "TOPIC_PARTITIONS", "3");
  }

  private String token() {
    return FaultPlatform.token(user);
  }
}
