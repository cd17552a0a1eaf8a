package io.regen.realtime.query;

import static io.regen.realtime.testsupport.TestJobEvents.completed;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Exactly-once across a stop mid-stream: events keep arriving while the instance is down, it comes
 * back on an empty disk (state restored from the changelogs, seen by the restore listener), and the
 * aggregates equal the totals produced: nothing lost, nothing counted twice.
 */
// A hang guard above the sum of the test's own waits (60 + 30 + 60 + 30 + 30 s) plus two Streams
// starts and a broker stop: at 120 s a loaded machine cut runs whose assertions had all passed.
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExactlyOnceIT {
  private static final int JOBS = 60;

  @TempDir Path stateDir;

  @Test
  void aggregatesMatchTheProducedTotalsAfterAStopMidStream() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String appId = "eos-it-" + run;
    Http http = new Http();
    String analyst = Http.analystToken("ana");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    try (TestKafka kafka = new TestKafka(1, 3)) {
      QueryInstance first =
          QueryInstance.start(kafka, appId, "e1", stateDir.resolve("first-disk"), Map.of());
      await().atMost(Duration.ofSeconds(60)).until(first::running);
      produce(kafka, run, 0, JOBS / 2);
      // Stop while the first half is still being processed (at least a third counted).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> startedJobs(http, first.port, today, analyst) >= JOBS / 3);
      first.close();
      produce(kafka, run, JOBS / 2, JOBS);

      // Back on an empty disk: the state comes from the changelogs.
      long t0 = System.nanoTime();
      try (QueryInstance second =
          QueryInstance.start(kafka, appId, "e1", stateDir.resolve("second-disk"), Map.of())) {
        await().atMost(Duration.ofSeconds(60)).until(second::running);
        long restoreMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Http.Response r =
                      http.get(
                          second.port,
                          "/api/analytics/jobs?from=" + today + "&to=" + today,
                          analyst);
                  assertThat(r.status()).isEqualTo(200);
                  JsonNode total = r.json().get("total");
                  assertThat(total.get("started").asLong()).isEqualTo(JOBS);
                  assertThat(total.get("completed").asLong()).isEqualTo(JOBS);
                  assertThat(total.get("durationCount").asLong()).isEqualTo(JOBS);
                  JsonNode byType = r.json().get("byJobType");
                  assertThat(byType.get("model").get("started").asLong()).isEqualTo(JOBS / 2);
                  assertThat(byType.get("research").get("completed").asLong()).isEqualTo(JOBS / 2);
                });
        // Every job is listed exactly once (the jobs-by-user store, another processor: wait on it).
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  JsonNode list =
                      http.get(second.port, "/api/users/user-" + run + "-0/jobs?limit=100", analyst)
                          .json();
                  assertThat(list.get("jobs").size()).isEqualTo((JOBS + 6) / 7);
                });
        long restored = second.runtime().restore().totalRestored();
        assertThat(restored).as("restored from changelogs").isGreaterThanOrEqualTo(JOBS / 3);
        System.out.printf(
            "exactly-once: %d jobs, restart on empty disk restored %d records, RUNNING after %d ms%n",
            JOBS, restored, restoreMs);
      }
    }
  }

  private static void produce(TestKafka kafka, String run, int from, int to) {
    for (int j = from; j < to; j++) {
      String user = "user-" + run + "-" + (j % 7);
      String job = "job-" + run + "-" + j;
      Instant now = Instant.now();
      kafka.event(user, job, 0, now, started(j % 2 == 0 ? "model" : "research"));
      kafka.event(user, job, 1, now, completed(100 + j));
    }
  }

  private static long startedJobs(Http http, int port, String today, String analyst) {
    Http.Response r = http.get(port, "/api/analytics/jobs?from=" + today + "&to=" + today, analyst);
    return r.status() == 200 ? r.json().get("total").get("started").asLong() : -1;
  }
}
