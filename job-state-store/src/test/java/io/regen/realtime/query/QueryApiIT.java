package io.regen.realtime.query;

import static io.regen.realtime.query.TestKafka.chunk;
import static io.regen.realtime.query.TestKafka.completed;
import static io.regen.realtime.query.TestKafka.failed;
import static io.regen.realtime.query.TestKafka.progress;
import static io.regen.realtime.query.TestKafka.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.SessionKind;
import io.regen.realtime.schemas.LogPosition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * One streams instance on a real in-process broker, real HTTP: state, status, listing and analytics
 * of produced events; access control; bad parameters; read-your-writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueryApiIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String ALICE = "alice-" + RUN;
  private static final String BOB = "bob-" + RUN;
  private static final String A1 = "job-a1-" + RUN;
  private static final String A2 = "job-a2-" + RUN;
  private static final String B1 = "job-b1-" + RUN;

  @TempDir static Path stateDir;
  private TestKafka kafka;
  private QueryInstance instance;
  private final Http http = new Http();
  private LogPosition a1First;
  private LogPosition a1Last;
  private String today;

  @BeforeAll
  void start() {
    kafka = new TestKafka(1, 3);
    instance =
        QueryInstance.start(
            kafka, "query-it-" + RUN, "query-it-1", stateDir.resolve("i1"), Map.of());
    await().atMost(Duration.ofSeconds(60)).until(instance::running);

    Instant now = Instant.now();
    today = LocalDate.ofInstant(now, ZoneOffset.UTC).toString();
    kafka.session(ALICE, SessionKind.STARTED, now.minusSeconds(60), null);
    kafka.session(ALICE, SessionKind.ENDED, now, 60_000L);
    kafka.session(BOB, SessionKind.STARTED, now, null);
    kafka.request(ALICE, A1, "model", now.minusSeconds(30));
    kafka.request(ALICE, A2, "research", now.minusSeconds(20));
    kafka.request(BOB, B1, "model", now.minusSeconds(10));
    a1First = kafka.event(ALICE, A1, 0, now.minusSeconds(29), started("model"));
    kafka.event(ALICE, A1, 1, now.minusSeconds(28), chunk("m1", 0, "Hello "));
    kafka.event(ALICE, A1, 2, now.minusSeconds(27), chunk("m1", 1, "world"));
    kafka.event(ALICE, A1, 3, now.minusSeconds(27), progress(50));
    a1Last = kafka.event(ALICE, A1, 4, now.minusSeconds(26), completed(3000));
    kafka.event(ALICE, A2, 0, now.minusSeconds(19), started("research"));
    kafka.event(ALICE, A2, 1, now.minusSeconds(18), failed());
    kafka.event(BOB, B1, 0, now.minusSeconds(9), started("model"));
    kafka.event(BOB, B1, 1, now.minusSeconds(8), chunk("m1", 0, "Hi"));
    kafka.event(BOB, B1, 2, now.minusSeconds(8), progress(30));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.get(instance.port, "/api/job/" + B1 + "/status", Http.token(BOB)).status()
                    == 200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Http.Response r =
                  http.get(instance.port, "/api/job/" + A1 + "/status", Http.token(ALICE));
              return r.status() == 200 && r.json().get("status").asString().equals("COMPLETED");
            });
  }

  @AfterAll
  void stop() {
    if (instance != null) {
      instance.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void stateOfAJobWithItsPositions() {
    Http.Response r = http.get(instance.port, "/api/job/" + A1 + "/state", Http.token(ALICE));
    assertThat(r.status()).isEqualTo(200);
    JsonNode s = r.json();
    assertThat(s.get("jobId").asString()).isEqualTo(A1);
    assertThat(s.get("userId").asString()).isEqualTo(ALICE);
    assertThat(s.get("jobType").asString()).isEqualTo("model");
    assertThat(s.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(s.get("model").asString()).isEqualTo("m1");
    assertThat(s.get("responseSoFar").asString()).isEqualTo("Hello world");
    assertThat(s.get("lastSeq").asLong()).isEqualTo(4);
    assertThat(s.get("eventCounts").get("model:chunk:v1").asLong()).isEqualTo(2);
    assertThat(s.get("firstPosition").get("partition").asInt()).isEqualTo(a1First.partition());
    assertThat(s.get("firstPosition").get("offset").asLong()).isEqualTo(a1First.offset());
    assertThat(s.get("lastPosition").get("offset").asLong()).isEqualTo(a1Last.offset());
    assertThat(s.get("position").get("cursor").asString()).isEqualTo(a1Last.toCursor());
    assertThat(s.get("stale").asBoolean()).isFalse();
    assertThat(s.get("completedAt").asString()).isNotBlank();
    assertThat(r.header("X-Regen-Stale")).isNull();
  }

  @Test
  void compactStatus() {
    JsonNode s = http.get(instance.port, "/api/job/" + B1 + "/status", Http.token(BOB)).json();
    assertThat(s.get("jobId").asString()).isEqualTo(B1);
    assertThat(s.get("status").asString()).isEqualTo("RUNNING");
    assertThat(s.get("progress").asInt()).isGreaterThanOrEqualTo(30);
    assertThat(s.get("updatedAt").asString()).isNotBlank();
  }

  @Test
  void accessControl() {
    assertThat(http.get(instance.port, "/api/job/" + A1 + "/state", Http.token(BOB)).status())
        .isEqualTo(403);
    assertThat(
            http.get(instance.port, "/api/job/" + A1 + "/state", Http.analystToken("ana")).status())
        .isEqualTo(200);
    assertThat(
            http.get(instance.port, "/api/job/nope-" + RUN + "/state", Http.token(ALICE)).status())
        .isEqualTo(404);
    Http.Response anonymous = http.get(instance.port, "/api/job/" + A1 + "/state", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(http.get(instance.port, "/api/job/" + A1 + "/state", "not-a-jwt").status())
        .isEqualTo(401);
    String otherSecret =
        new io.regen.realtime.auth.JwtIssuer(
                io.regen.realtime.auth.JwtSettings.hs256("another-secret-of-at-least-32-bytes!!"))
            .issue(ALICE);
    assertThat(http.get(instance.port, "/api/job/" + A1 + "/state", otherSecret).status())
        .isEqualTo(401);
    assertThat(http.get(instance.port, "/api/users/" + ALICE + "/jobs", Http.token(BOB)).status())
        .isEqualTo(403);
    assertThat(http.get(instance.port, "/api/analytics/metrics", Http.token(ALICE)).status())
        .isEqualTo(403);
    assertThat(
            http.get(
                    instance.port,
                    "/internal/query/distinct-users?from=" + today + "&to=" + today,
                    Http.token(ALICE))
                .status())
        .isEqualTo(403);
  }

  @Test
  void listsAUsersJobsNewestFirstInPages() {
    JsonNode all = http.get(instance.port, "/api/users/me/jobs", Http.token(ALICE)).json();
    assertThat(all.get("jobs").size()).isEqualTo(2);
    assertThat(all.get("jobs").get(0).get("jobId").asString()).isEqualTo(A2);
    assertThat(all.get("jobs").get(1).get("jobId").asString()).isEqualTo(A1);
    assertThat(all.get("nextCursor").isNull()).isTrue();

    JsonNode first =
        http.get(instance.port, "/api/users/me/jobs?limit=1", Http.token(ALICE)).json();
    assertThat(first.get("jobs").size()).isEqualTo(1);
    assertThat(first.get("jobs").get(0).get("jobId").asString()).isEqualTo(A2);
    String cursor = first.get("nextCursor").asString();
    JsonNode second =
        http.get(instance.port, "/api/users/me/jobs?limit=1&cursor=" + cursor, Http.token(ALICE))
            .json();
    assertThat(second.get("jobs").get(0).get("jobId").asString()).isEqualTo(A1);
    assertThat(second.get("nextCursor").isNull()).isTrue();

    JsonNode byAnalyst =
        http.get(instance.port, "/api/users/" + ALICE + "/jobs", Http.analystToken("ana")).json();
    assertThat(byAnalyst.get("jobs").size()).isEqualTo(2);
    // Bob's cursor cannot page through Alice's jobs.
    assertThat(
            http.get(instance.port, "/api/users/" + BOB + "/jobs?cursor=" + cursor, Http.token(BOB))
                .status())
        .isEqualTo(400);
  }

  @Test
  void analytics() {
    String analyst = Http.analystToken("ana");
    String range = "?from=" + today + "&to=" + today;
    JsonNode dau = http.get(instance.port, "/api/analytics/dau" + range, analyst).json();
    assertThat(dau.get("distinctUsers").asLong()).isEqualTo(2);
    assertThat(dau.get("days").get(0).get("activeUsers").asLong()).isEqualTo(2);

    JsonNode jobs = http.get(instance.port, "/api/analytics/jobs" + range, analyst).json();
    assertThat(jobs.get("total").get("started").asLong()).isEqualTo(3);
    assertThat(jobs.get("total").get("completed").asLong()).isEqualTo(1);
    assertThat(jobs.get("total").get("failed").asLong()).isEqualTo(1);
    assertThat(jobs.get("byJobType").get("model").get("started").asLong()).isEqualTo(2);
    JsonNode modelOnly =
        http.get(instance.port, "/api/analytics/jobs" + range + "&jobType=research", analyst)
            .json();
    assertThat(modelOnly.get("total").get("started").asLong()).isEqualTo(1);
    assertThat(modelOnly.get("total").get("failed").asLong()).isEqualTo(1);

    JsonNode latency =
        http.get(instance.port, "/api/analytics/model-latency" + range, analyst).json();
    assertThat(latency.get("byModel").get("m1").get("firstChunk").get("count").asLong())
        .isEqualTo(2);
    assertThat(latency.get("byModel").get("m1").get("duration").get("count").asLong()).isEqualTo(1);

    JsonNode sessions = http.get(instance.port, "/api/analytics/sessions" + range, analyst).json();
    assertThat(sessions.get("total").get("ended").asLong()).isEqualTo(1);
    assertThat(sessions.get("total").get("totalDurationMs").asLong()).isEqualTo(60_000);

    JsonNode metrics = http.get(instance.port, "/api/analytics/metrics", analyst).json();
    assertThat(metrics.get("date").asString()).isEqualTo(today);
    assertThat(metrics.get("activeUsers").asLong()).isEqualTo(2);
    assertThat(metrics.get("jobs").get("started").asLong()).isEqualTo(3);
  }

  @Test
  void badParametersAre400WithAMessage() {
    String analyst = Http.analystToken("ana");
    assertBadRequest("/api/analytics/dau?from=2026-13-01&to=2026-12-01", analyst, "from");
    assertBadRequest("/api/analytics/dau?from=2026-02-01&to=2026-01-01", analyst, "after");
    assertBadRequest("/api/analytics/jobs?from=2020-01-01&to=2026-01-01", analyst, "at most");
    assertBadRequest("/api/analytics/sessions?to=2026-01-01", analyst, "from");
    assertBadRequest("/api/users/me/jobs?limit=0", Http.token(ALICE), "limit");
    assertBadRequest("/api/users/me/jobs?limit=1000", Http.token(ALICE), "limit");
    assertBadRequest("/api/users/me/jobs?limit=ten", Http.token(ALICE), "limit");
    assertBadRequest("/api/users/me/jobs?cursor=not-base64!", Http.token(ALICE), "cursor");
    assertBadRequest(
        "/api/job/" + A1 + "/state?minPosition=yesterday", Http.token(ALICE), "minPosition");
    assertBadRequest("/api/job/" + A1 + "/state?allowStale=maybe", Http.token(ALICE), "allowStale");
  }

  @Test
  void readYourWritesWaitsForTheEventsPosition() {
    LogPosition written = kafka.event(BOB, B1, 3, Instant.now(), progress(75));
    Http.Response r =
        http.get(
            instance.port,
            "/api/job/" + B1 + "/state?minPosition=" + written.toCursor(),
            Http.token(BOB));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("progressPercent").asInt()).isEqualTo(75);
    assertThat(r.json().get("position").get("cursor").asString()).isEqualTo(written.toCursor());

    LogPosition future = new LogPosition(written.partition(), written.offset() + 1_000);
    long t0 = System.nanoTime();
    Http.Response notYet =
        http.get(
            instance.port,
            "/api/job/" + B1 + "/state?minPosition=" + future.toCursor(),
            Http.token(BOB));
    long waitedMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertThat(notYet.status()).isEqualTo(503);
    assertThat(notYet.header("Retry-After")).isEqualTo("1");
    assertThat(notYet.json().get("error").asString()).isEqualTo("position_not_reached");
    assertThat(waitedMs).isBetween(1_900L, 6_000L);
  }

  @Test
  void metricsAndHealth() {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String text = http.get(instance.port, "/actuator/prometheus", null).raw().body();
              assertThat(text).contains("jobs_started_total{job_type=\"model\"} 2.0");
              assertThat(text).contains("jobs_completed_total{job_type=\"model\"} 1.0");
              assertThat(text).contains("jobs_failed_total{job_type=\"research\"} 1.0");
              assertThat(text)
                  .contains("model_latency_seconds_count{kind=\"duration\",model=\"m1\"} 1");
              assertThat(text)
                  .contains("model_avg_latency_seconds{kind=\"duration\",model=\"m1\"}");
              assertThat(text)
                  .contains("streams_restore_records_restored_total{store=\"job-state\"}");
              assertThat(text).contains("kafka_consumer_fetch_manager_records_lag_max");
              assertThat(text).contains("streams_running 1.0");
              assertThat(text).contains("streams_records_undecodable_total");
              assertThat(text).contains("streams_registry_unavailable_total");
              assertThat(text).contains("streams_records_dead_lettered_total");
            });
    JsonNode health = http.get(instance.port, "/actuator/health", null).json();
    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.get("components").get("streams").get("details").get("state").asString())
        .isEqualTo("RUNNING");
  }

  private void assertBadRequest(String path, String token, String messagePart) {
    Http.Response r = http.get(instance.port, path, token);
    assertThat(r.status()).as(path).isEqualTo(400);
    assertThat(r.json().get("error").asString()).isEqualTo("bad_request");
    assertThat(r.json().get("message").asString()).as(path).contains(messagePart);
  }
}
