package io.regen.realtime.query;

import static io.regen.realtime.testsupport.TestJobEvents.chunk;
import static io.regen.realtime.testsupport.TestJobEvents.completed;
import static io.regen.realtime.testsupport.TestJobEvents.failed;
import static io.regen.realtime.testsupport.TestJobEvents.progress;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.SessionKind;
import io.regen.realtime.query.internal.ServiceCredential;
import io.regen.realtime.query.runtime.InternalListener;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.streams.Stores;
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

  private static void assertIsAlicesCompletedModelJob(JsonNode s) {
    assertThat(s.get("jobId").asString()).isEqualTo(A1);
    assertThat(s.get("userId").asString()).isEqualTo(ALICE);
    assertThat(s.get("jobType").asString()).isEqualTo("model");
    assertThat(s.get("status").asString()).isEqualTo("COMPLETED");
  }

  @Test
  void stateOfAJobWithItsPositions() {
    Http.Response r = http.get(instance.port, "/api/job/" + A1 + "/state", Http.token(ALICE));
    assertThat(r.status()).isEqualTo(200);
    JsonNode s = r.json();
    assertIsAlicesCompletedModelJob(s);
    assertThat(s.get("model").asString()).isEqualTo("m1");
    assertThat(s.get("responseSoFar").asString()).isEqualTo("Hello world");
    // The text is read from the chunk store; the answer's shape is what it was before.
    assertThat(s.get("responseTruncated").asBoolean()).isFalse();
    assertThat(s.has("responseBytes")).isFalse();
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
  void stateWithoutTheResponseTextIsOneGetWithTheJobsByteCount() {
    CountingStoreReader reads = instance.storeReads();
    long chunkRanges = reads.ranges(Stores.JOB_RESPONSE_CHUNKS);
    long stateGets = reads.gets(Stores.JOB_STATE);
    Http.Response r =
        http.get(instance.port, "/api/job/" + A1 + "/state?withResponse=false", Http.token(ALICE));
    assertThat(r.status()).isEqualTo(200);
    JsonNode s = r.json();
    assertIsAlicesCompletedModelJob(s);
    assertThat(s.has("responseSoFar")).isFalse();
    assertThat(s.get("responseBytes").asInt()).isEqualTo("Hello world".length());
    assertThat(s.get("responseTruncated").asBoolean()).isFalse();
    assertThat(s.get("firstPosition").get("offset").asLong()).isEqualTo(a1First.offset());
    assertThat(s.get("lastPosition").get("offset").asLong()).isEqualTo(a1Last.offset());
    // The caller's own job: one get of its state, no range over its chunks.
    assertThat(reads.gets(Stores.JOB_STATE) - stateGets).isEqualTo(1);
    assertThat(reads.ranges(Stores.JOB_RESPONSE_CHUNKS)).isEqualTo(chunkRanges);

    // The status is the same single get.
    assertThat(
            http.get(instance.port, "/api/job/" + A1 + "/status", Http.token(ALICE))
                .json()
                .get("status")
                .asString())
        .isEqualTo("COMPLETED");
    assertThat(reads.gets(Stores.JOB_STATE) - stateGets).isEqualTo(2);
    assertThat(reads.ranges(Stores.JOB_RESPONSE_CHUNKS)).isEqualTo(chunkRanges);

    // The state with its text reads the chunks: the answer of before, unchanged.
    JsonNode whole = http.get(instance.port, "/api/job/" + A1 + "/state", Http.token(ALICE)).json();
    assertThat(whole.get("responseSoFar").asString()).isEqualTo("Hello world");
    assertThat(whole.has("responseBytes")).isFalse();
    assertThat(reads.ranges(Stores.JOB_RESPONSE_CHUNKS) - chunkRanges).isEqualTo(1);
    assertThat(
            http.get(
                    instance.port, "/api/job/" + A1 + "/state?withResponse=true", Http.token(ALICE))
                .json())
        .isEqualTo(whole);
  }

  @Test
  void compactStatus() {
    // B1's progress event may still be in flight after the set-up's wait (which saw B1 exist).
    eventually(
        () -> {
          JsonNode s =
              http.get(instance.port, "/api/job/" + B1 + "/status", Http.token(BOB)).json();
          assertThat(s.get("jobId").asString()).isEqualTo(B1);
          assertThat(s.get("status").asString()).isEqualTo("RUNNING");
          assertThat(s.get("progress").asInt()).isGreaterThanOrEqualTo(30);
          assertThat(s.get("updatedAt").asString()).isNotBlank();
        });
  }

  @Test
  void accessControl() {
    assertThat(http.get(instance.port, "/api/job/" + A1 + "/state", Http.token(BOB)).status())
        .isEqualTo(403);
    assertThat(
            http.get(instance.port, "/api/job/" + A1 + "/state?withResponse=false", Http.token(BOB))
                .status())
        .isEqualTo(403);
    // No token: 401 before a bad parameter's 400.
    assertThat(http.get(instance.port, "/api/job/" + A1 + "/state?withResponse=no", null).status())
        .isEqualTo(401);
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
        .as("the internal API is not served on the public port")
        .isEqualTo(404);
  }

  @Test
  void theInternalApiIsASeparateListenerThatNeedsTheServiceCredential() {
    int internal = instance.context.getBean(InternalListener.class).port();
    String credential = instance.context.getBean(ServiceCredential.class).value();
    String job = "/internal/query/job?jobId=" + A1 + "&partition=" + a1First.partition();
    String analyst = Http.analystToken("ana");
    assertThat(internal).isPositive().isNotEqualTo(instance.port);

    // the public port does not have it, whatever the token, and no encoding trick reaches it
    assertThat(http.get(instance.port, job, analyst).status()).isEqualTo(404);
    assertThat(
            http.get(instance.port, "/%69nternal/query/job?jobId=x&partition=0", analyst).status())
        .isEqualTo(404);
    assertThat(http.get(instance.port, job, analyst, ServiceCredential.HEADER, credential).status())
        .isEqualTo(404);
    // on the internal listener an end-user token alone, or as the credential, is refused
    Http.Response userOnly = http.get(internal, job, analyst);
    assertThat(userOnly.status()).isEqualTo(401);
    assertThat(userOnly.raw().body()).contains("service credential");
    assertThat(http.get(internal, job, analyst, ServiceCredential.HEADER, analyst).status())
        .isEqualTo(401);
    assertThat(
            http.get(internal, job, analyst, ServiceCredential.HEADER, "Bearer " + analyst)
                .status())
        .isEqualTo(401);
    // with the credential it answers, and the public API is not served there
    assertThat(
            http.get(internal, job, Http.token(ALICE), ServiceCredential.HEADER, credential)
                .status())
        .isEqualTo(200);
    assertThat(
            http.get(
                    internal,
                    "/api/job/" + A1 + "/state",
                    Http.token(ALICE),
                    ServiceCredential.HEADER,
                    credential)
                .status())
        .isEqualTo(404);
    // limits are capped
    String range = "/internal/query/range?store=" + Stores.DAU_DAILY.name() + "&from=a&to=b&limit=";
    assertThat(
            http.get(internal, range + "100001", analyst, ServiceCredential.HEADER, credential)
                .status())
        .isEqualTo(400);
    assertThat(
            http.get(internal, range + "10", analyst, ServiceCredential.HEADER, credential)
                .status())
        .isEqualTo(200);
    String longKey = "k".repeat(2000);
    assertThat(
            http.get(
                    internal,
                    "/internal/query/range?store="
                        + Stores.DAU_DAILY.name()
                        + "&from="
                        + longKey
                        + "&to="
                        + longKey
                        + "&limit=1",
                    analyst,
                    ServiceCredential.HEADER,
                    credential)
                .status())
        .isEqualTo(400);
  }

  @Test
  void fuzzedParametersAreAnsweredWithClientErrorsAndTheInstanceKeepsServing() throws Exception {
    String analyst = Http.analystToken("ana");
    String alice = Http.token(ALICE);
    java.util.List<String> analystPaths = new java.util.ArrayList<>();
    for (String[] range :
        new String[][] {
          {"+999999999-12-31", "+999999999-12-31"},
          {"-999999999-01-01", "-999999999-01-01"},
          {"-999999999-01-01", "+999999999-12-31"},
          {"0000-01-01", "0000-01-01"},
          {"2026-02-30", "2026-03-01"},
          {"2026-1-1", "2026-01-02"},
          {"99999-01-01", "99999-01-01"},
          {today, "+999999999-12-31"}
        }) {
      for (String endpoint : java.util.List.of("dau", "sessions", "jobs", "model-latency")) {
        analystPaths.add(
            "/api/analytics/" + endpoint + "?from=" + enc(range[0]) + "&to=" + enc(range[1]));
      }
    }
    for (String path : analystPaths) {
      Http.Response r = http.get(instance.port, path, analyst);
      assertThat(r.status()).as("%s -> %s", path, r.raw().body()).isEqualTo(400);
    }
    java.util.List<String> userPaths =
        java.util.List.of(
            "/api/job/" + A1 + "/state?minPosition=v1.0.-9223372036854775808",
            "/api/job/" + A1 + "/state?minPosition=v1.-1.5",
            "/api/job/" + A1 + "/state?minPosition=v1.2147483648.5",
            "/api/job/" + A1 + "/state?minPosition=v1.99999.5",
            "/api/job/" + A1 + "/state?minPosition=v1.0.9223372036854775808",
            "/api/job/" + A1 + "/state?minPosition=" + "v1.0." + "9".repeat(5000),
            "/api/job/a%2Fb/state",
            "/api/job/" + "j".repeat(10_000) + "/state",
            "/api/job/" + "j".repeat(1_000) + "/state",
            "/api/users/me/jobs?limit=9999999999",
            "/api/users/me/jobs?limit=-1",
            "/api/users/me/jobs?limit=1.5",
            "/api/users/me/jobs?cursor=" + "%FF".repeat(100),
            "/api/users/me/jobs?cursor=" + "c".repeat(5000));
    for (String path : userPaths) {
      Http.Response r = http.get(instance.port, path, alice);
      // 503 position_not_reached (after the bounded wait) for positions that never come; never 500
      assertThat(r.status())
          .as("%.120s -> %.200s", path, r.raw().body())
          .matches(
              status -> status == 200 || (status >= 400 && status < 500) || status == 503,
              "an answer, a 4xx or a 503 (a position on another partition does not concern"
                  + " the job)");
      assertThat(r.raw().body()).doesNotContain("Internal Server Error");
    }
    // a position far in the future, 500 times at once: every read ends with a bounded refusal
    String future =
        "/api/job/" + A1 + "/state?minPosition=v1." + a1Last.partition() + ".9223372036854775000";
    java.util.List<java.util.concurrent.CompletableFuture<Integer>> waits =
        new java.util.ArrayList<>();
    String path = future;
    for (int i = 0; i < 500; i++) {
      waits.add(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> http.get(instance.port, path, alice).status(), POOL));
    }
    for (var wait : waits) {
      assertThat(wait.get(120, TimeUnit.SECONDS)).isIn(400, 503);
    }
    assertThat(http.get(instance.port, "/api/job/" + A1 + "/state", alice).status()).isEqualTo(200);
    assertThat(http.get(instance.port, "/actuator/health", null).status()).isEqualTo(200);
  }

  private static final java.util.concurrent.ExecutorService POOL =
      java.util.concurrent.Executors.newFixedThreadPool(64);

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void listsAUsersJobsNewestFirstInPages() {
    // The listing reads the jobs-by-user store, which its own processor fills on its own schedule.
    eventually(
        () -> {
          JsonNode all = http.get(instance.port, "/api/users/me/jobs", Http.token(ALICE)).json();
          assertThat(all.get("jobs").size()).isEqualTo(2);
          assertThat(all.get("jobs").get(0).get("jobId").asString()).isEqualTo(A2);
          assertThat(all.get("jobs").get(1).get("jobId").asString()).isEqualTo(A1);
          assertThat(all.get("nextCursor").isNull()).isTrue();
        });

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
    // Each figure comes from another processor (DAU, job metrics, latency, sessions) than the
    // job state the set-up waited for: wait on exactly the figures asserted.
    eventually(
        () -> {
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
          assertThat(latency.get("byModel").get("m1").get("duration").get("count").asLong())
              .isEqualTo(1);

          JsonNode sessions =
              http.get(instance.port, "/api/analytics/sessions" + range, analyst).json();
          assertThat(sessions.get("total").get("ended").asLong()).isEqualTo(1);
          assertThat(sessions.get("total").get("totalDurationMs").asLong()).isEqualTo(60_000);

          JsonNode metrics = http.get(instance.port, "/api/analytics/metrics", analyst).json();
          assertThat(metrics.get("date").asString()).isEqualTo(today);
          assertThat(metrics.get("activeUsers").asLong()).isEqualTo(2);
          assertThat(metrics.get("jobs").get("started").asLong()).isEqualTo(3);
        });
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
    assertBadRequest(
        "/api/job/" + A1 + "/state?withResponse=no", Http.token(ALICE), "withResponse");
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

  /**
   * The plain lookups are answered by {@code JobLookupFilter} (with a Content-Length), the others
   * (here: with an {@code Origin}) by Spring MVC: the same status, headers and bytes either way,
   * errors included, and both observed as {@code http.server.requests} of the path pattern.
   */
  @Test
  void lookupsAnswerTheSameWithAndWithoutSpringMvc() {
    String origin = "http://elsewhere.test";
    String[][] cases = {
      {"/api/job/" + A1 + "/state", Http.token(ALICE)},
      {"/api/job/" + A1 + "/state?withResponse=false", Http.token(ALICE)},
      {"/api/job/" + A1 + "/status", Http.token(ALICE)},
      {
        "/api/job/" + A1 + "/state?allowStale=true&minPosition=" + a1Last.toCursor(),
        Http.token(ALICE)
      },
      {"/api/job/" + A1 + "/state", Http.token(BOB)},
      {"/api/job/" + A1 + "/status", Http.analystToken("ana-" + RUN)},
      {"/api/job/" + A1 + "/state", null},
      {"/api/job/" + A1 + "/state", "not-a-token"},
      {"/api/job/no-such-job-" + RUN + "/status", Http.token(ALICE)},
      {"/api/job/" + A1 + "/state?allowStale=maybe", Http.token(ALICE)},
      {"/api/job/" + A1 + "/state?withResponse=", Http.token(ALICE)},
      {"/api/job/" + A1 + "/state?minPosition=garbage", Http.token(ALICE)},
    };
    for (String[] c : cases) {
      Http.Response direct = http.get(instance.port, c[0], c[1]);
      Http.Response mvc = http.get(instance.port, c[0], c[1], "Origin", origin);
      assertThat(direct.header("Content-Length"))
          .as("answered by the filter: %s", c[0])
          .isNotNull();
      assertThat(mvc.header("Content-Length")).as("answered by Spring MVC: %s", c[0]).isNull();
      assertThat(direct.status()).as(c[0]).isEqualTo(mvc.status());
      for (String h :
          new String[] {"Content-Type", "WWW-Authenticate", "Retry-After", "X-Regen-Stale"}) {
        assertThat(direct.header(h)).as("%s of %s", h, c[0]).isEqualTo(mvc.header(h));
      }
      assertThat(direct.raw().body()).as(c[0]).isEqualTo(mvc.raw().body());
    }
    // Not a plain lookup: Spring MVC's answer as before.
    assertThat(
            http.get(
                    instance.port,
                    "/api/job/" + A1 + "/state",
                    Http.token(ALICE),
                    "Accept",
                    "text/html")
                .status())
        .isEqualTo(406);
    Http.Response twoTokens =
        http.get(
            instance.port,
            "/api/job/" + A1 + "/state",
            Http.token(ALICE),
            "Authorization",
            "Bearer " + Http.token(BOB));
    assertThat(twoTokens.header("Content-Length")).as("two Authorization headers").isNull();
    String text = http.get(instance.port, "/actuator/prometheus", null).raw().body();
    assertThat(text)
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*uri=\"/api/job/\\{jobId\\}/state\"");
    assertThat(text)
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*uri=\"/api/job/\\{jobId\\}/status\"");
  }

  @Test
  void internalJobReadsAnswerTheSameWithAndWithoutSpringMvc() {
    int internal = instance.context.getBean(InternalListener.class).port();
    String credential = instance.context.getBean(ServiceCredential.class).value();
    String job = "/internal/query/job?jobId=" + A1 + "&partition=" + a1First.partition();
    String[][] cases = {
      {job, Http.token(ALICE)},
      {job + "&withResponse=false", Http.token(ALICE)},
      {job + "&stale=true&withResponse=true", Http.token(ALICE)},
      {job + "&stale=false&minPosition=" + a1Last.toCursor(), Http.token(ALICE)},
      {job, Http.token(BOB)},
      {job, Http.analystToken("ana-" + RUN)},
      {job, null},
      {job, "not-a-token"},
      {job + "&minPosition=garbage", Http.token(ALICE)},
      {
        "/internal/query/job?jobId=no-such-job-" + RUN + "&partition=" + a1First.partition(),
        Http.token(ALICE)
      },
    };
    for (String[] c : cases) {
      long before = instance.springMvcDispatches();
      Http.Response direct = http.get(internal, c[0], c[1], ServiceCredential.HEADER, credential);
      assertThat(instance.springMvcDispatches())
          .as("answered by the filter: %s", c[0])
          .isEqualTo(before);
      Http.Response mvc =
          http.get(
              internal,
              c[0],
              c[1],
              ServiceCredential.HEADER,
              credential,
              "Origin",
              "http://x.test");
      assertThat(instance.springMvcDispatches())
          .as("answered by Spring MVC: %s", c[0])
          .isEqualTo(before + 1);
      assertThat(direct.status()).as(c[0]).isEqualTo(mvc.status());
      for (String h : new String[] {"Content-Type", "WWW-Authenticate", "Retry-After"}) {
        assertThat(direct.header(h)).as("%s of %s", h, c[0]).isEqualTo(mvc.header(h));
      }
      assertThat(direct.raw().body()).as(c[0]).isEqualTo(mvc.raw().body());
    }
    assertThat(
            http.get(internal, job, Http.token(ALICE), ServiceCredential.HEADER, credential)
                .json()
                .get("found")
                .asBoolean())
        .isTrue();
    // Spellings only Spring MVC's binding knows, and what it refuses, stay its answers.
    String[][] springOnly = {
      {job + "&stale=yes", "200"},
      {job + "&stale=", "200"},
      {"/internal/query/job?jobId=" + A1 + "&partition=x", "400"},
      {"/internal/query/job?jobId=" + A1 + "&partition=99999999999", "400"},
      {"/internal/query/job?jobId=" + A1, "400"},
      {job + "&partition=" + a1First.partition(), "200"},
    };
    for (String[] c : springOnly) {
      long before = instance.springMvcDispatches();
      Http.Response r =
          http.get(internal, c[0], Http.token(ALICE), ServiceCredential.HEADER, credential);
      assertThat(instance.springMvcDispatches())
          .as("answered by Spring MVC: %s", c[0])
          .isEqualTo(before + 1);
      assertThat(r.status()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
    }
    long before = instance.springMvcDispatches();
    Http.Response twoTokens =
        http.get(
            internal,
            job,
            Http.token(ALICE),
            ServiceCredential.HEADER,
            credential,
            "Authorization",
            "Bearer " + Http.token(BOB));
    assertThat(instance.springMvcDispatches())
        .as("two Authorization headers")
        .isEqualTo(before + 1);
    String text = http.get(instance.port, "/actuator/prometheus", null).raw().body();
    assertThat(text)
        .containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/internal/query/job\"");
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

  private static void eventually(org.awaitility.core.ThrowingRunnable assertion) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(assertion);
  }

  private void assertBadRequest(String path, String token, String messagePart) {
    Http.Response r = http.get(instance.port, path, token);
    assertThat(r.status()).as(path).isEqualTo(400);
    assertThat(r.json().get("error").asString()).isEqualTo("bad_request");
    assertThat(r.json().get("message").asString()).as(path).contains(messagePart);
  }
}
