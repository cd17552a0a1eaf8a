package io.regen.realtime.gateway.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.jobs.JobDirectory;
import io.regen.realtime.gateway.jobs.JobRecord;
import io.regen.realtime.gateway.jobs.QueryApiJobDirectory;
import io.regen.realtime.gateway.testapp.DeliveryKafka;
import io.regen.realtime.gateway.testapp.TestSession;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.result.MockMvcResultMatchers;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaJobReplayIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int JOB_EVENTS = 10_000;
  private static final String OWNER = "replay-owner";

  private static DeliveryKafka kafka;
  private static Topic<String, JobEvent> topic;
  private static long jobFirstOffset;
  private static long jobLastOffset;
  private static int partition;
  private static final List<long[]> reads = new CopyOnWriteArrayList<>();
  private static InMemoryJobDirectory directory;
  private static KafkaJobReplay replay;

  @BeforeAll
  static void publishJob() throws Exception {
    kafka = new DeliveryKafka();
    topic = kafka.newTopic();
    // Other events first, of the owner and of others: the job does not start at offset 0.
    kafka.publish(topic, OWNER, "earlier-job", 0, 300);
    kafka.publish(topic, "someone", "their-job", 0, 300);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int seq = 0; seq < JOB_EVENTS; seq++) {
      JobEvent e =
          seq == JOB_EVENTS - 1
              ? DeliveryKafka.completed(OWNER, "big-job", seq)
              : DeliveryKafka.event(OWNER, "big-job", seq);
      acks.add(kafka.sendAsync(topic, e));
      if (seq % 10 == 0) {
        acks.add(kafka.sendAsync(topic, DeliveryKafka.event(OWNER, "noise-" + seq, 0)));
      }
    }
    kafka.producer().flush();
    RecordMetadata first = acks.get(0).get();
    RecordMetadata last = acks.get(acks.size() - 1).get();
    for (Future<RecordMetadata> f : acks) {
      f.get();
    }
    jobFirstOffset = first.offset();
    jobLastOffset = last.offset();
    partition = first.partition();
    // And events after the job, which the replay must not need to read.
    kafka.publish(topic, OWNER, "later-job", 0, 100);
    directory = new InMemoryJobDirectory(100);
    directory.put("big-job", new JobRecord(OWNER, "model", position(jobFirstOffset), null));
    replay = replay(directory);
  }

  private static LogPosition position(long offset) {
    return new LogPosition(partition, offset);
  }

  private static KafkaJobReplay replay(JobDirectory jobDirectory) {
    return new KafkaJobReplay(
        topic,
        kafka.clients(),
        kafka.deserializer(),
        jobDirectory,
        DeliveryProperties.defaults(),
        ReplayProperties.defaults(),
        new DeliveryMetrics(new SimpleMeterRegistry()),
        (jobId, job, firstOffsetRead, scanned, sent) ->
            reads.add(new long[] {firstOffsetRead, scanned, sent}));
  }

  @AfterAll
  static void stop() {
    replay.close();
    kafka.close();
  }

  private static AuthenticatedUser user(String id, String... roles) {
    return new AuthenticatedUser(id, Set.of(roles), Instant.now().plusSeconds(600));
  }

  @Test
  void replaysAllEventsOfA10000EventJobInSeqOrderReadingFromItsFirstOffset() throws Exception {
    assertThat(jobFirstOffset).isGreaterThan(0);
    reads.clear();
    TestSession session = new TestSession(OWNER, 256); // smaller than the job: back-pressure
    var done = replay.replay(session, user(OWNER), "r1", "big-job", 0);
    // A client reading at its own pace.
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              session.drainSome(500);
              return done.isDone();
            });
    session.drain();
    assertThat(done.get()).isEqualTo(JOB_EVENTS);
    List<String> frames = session.received();
    assertThat(frames).hasSize(JOB_EVENTS + 1);
    for (int i = 0; i < JOB_EVENTS; i++) {
      JsonNode f = JSON.readTree(frames.get(i));
      assertThat(f.get("type").asString()).isEqualTo("event");
      assertThat(f.get("replay").asString()).isEqualTo("r1");
      assertThat(f.get("event").get("jobId").asString()).isEqualTo("big-job");
      assertThat(f.get("event").get("seq").asLong()).isEqualTo(i);
    }
    JsonNode end = JSON.readTree(frames.get(JOB_EVENTS));
    assertThat(end.get("type").asString()).isEqualTo("replay_end");
    assertThat(end.get("id").asString()).isEqualTo("r1");
    assertThat(end.get("jobId").asString()).isEqualTo("big-job");
    assertThat(end.get("count").asLong()).isEqualTo(JOB_EVENTS);
    assertThat(end.get("truncated").asBoolean()).isFalse();
    // The reader started at the job's first event, not at the partition's start, and stopped at
    // the terminal event (the later job was not read).
    assertThat(reads).hasSize(1);
    assertThat(reads.get(0)[0]).isEqualTo(jobFirstOffset);
    assertThat(reads.get(0)[1]).isEqualTo(jobLastOffset - jobFirstOffset + 1);
  }

  @Test
  void aNonTerminalJobStopsAtTheScanBudgetWithATruncatedReplayEnd() throws Exception {
    // earlier-job: the owner's first 300 events at the partition's start, no terminal event.
    InMemoryJobDirectory open = new InMemoryJobDirectory(10);
    open.put("earlier-job", new JobRecord(OWNER, "model", position(0), null));
    reads.clear();
    try (KafkaJobReplay budgeted =
        new KafkaJobReplay(
            topic,
            kafka.clients(),
            kafka.deserializer(),
            open,
            DeliveryProperties.defaults(),
            new ReplayProperties(0, 0, 200, null),
            new DeliveryMetrics(new SimpleMeterRegistry()),
            (jobId, job, firstOffsetRead, scanned, sent) ->
                reads.add(new long[] {firstOffsetRead, scanned, sent}))) {
      TestSession session = new TestSession(OWNER, 1_000);
      assertThat(budgeted.replay(session, user(OWNER), "b1", "earlier-job", 0).get())
          .isEqualTo(200);
      List<String> frames = session.received();
      assertThat(frames).hasSize(201);
      JsonNode end = JSON.readTree(frames.get(200));
      assertThat(end.get("type").asString()).isEqualTo("replay_end");
      assertThat(end.get("count").asLong()).isEqualTo(200);
      assertThat(end.get("scanBudgetReached").asBoolean()).isTrue();
      assertThat(reads.get(0)[1]).isEqualTo(200);
    }
  }

  @Test
  void fromSeqSkipsEarlierEventsAndAnalystsMayReplayOthersJobs() throws Exception {
    TestSession session = new TestSession("an-analyst", 100);
    long count =
        replay.replay(session, user("an-analyst", "analyst"), "r2", "big-job", 9_990).get();
    assertThat(count).isEqualTo(10);
    assertThat(session.keys().subList(0, 10))
        .containsExactly(
            "big-job:9990",
            "big-job:9991",
            "big-job:9992",
            "big-job:9993",
            "big-job:9994",
            "big-job:9995",
            "big-job:9996",
            "big-job:9997",
            "big-job:9998",
            "big-job:9999");
  }

  @Test
  void otherUsersAreForbiddenAndUnknownJobsNotFoundBeforeAnythingIsSent() {
    TestSession stranger = new TestSession("stranger");
    assertThatThrownBy(() -> replay.replay(stranger, user("stranger"), "r3", "big-job", 0).get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(JobAccessException.class)
        .extracting(e -> ((JobAccessException) e).code())
        .isEqualTo("forbidden");
    assertThatThrownBy(() -> replay.replay(stranger, user("stranger"), "r4", "no-such", 0).get())
        .cause()
        .extracting(e -> ((JobAccessException) e).code())
        .isEqualTo("not_found");
    assertThat(stranger.received()).isEmpty();
  }

  @Test
  void locatesThroughTheQueryApiForwardingTheBearerToken() throws Exception {
    List<String> authHeaders = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/job/",
        exchange -> {
          authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          String path = exchange.getRequestURI().getPath();
          int status;
          String body;
          if (path.equals("/api/job/big-job/state")) {
            status = 200;
            body =
                "{\"jobId\":\"big-job\",\"userId\":\""
                    + OWNER
                    + "\",\"status\":\"COMPLETED\",\"firstPosition\":{\"partition\":"
                    + partition
                    + ",\"offset\":"
                    + jobFirstOffset
                    + "},\"lastPosition\":{\"partition\":"
                    + partition
                    + ",\"offset\":"
                    + jobLastOffset
                    + "}}";
          } else if (path.equals("/api/job/secret/state")) {
            status = 403;
            body = "{}";
          } else if (path.equals("/api/job/broken/state")) {
            status = 503;
            body = "{}";
          } else {
            status = 404;
            body = "{}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    try {
      QueryApiJobDirectory api =
          new QueryApiJobDirectory(
              () -> "http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5));
      assertThat(api.locate("big-job", "tok-1").get())
          .contains(new JobRecord(OWNER, "", position(jobFirstOffset), position(jobLastOffset)));
      assertThat(authHeaders).containsExactly("Bearer tok-1");
      // Through a replay: unknown is not_found, a refusal forbidden, anything else a failure.
      try (KafkaJobReplay viaApi = replay(api)) {
        TestSession session = new TestSession(OWNER);
        assertThatThrownBy(() -> viaApi.replay(session, user(OWNER), "x1", "unknown", 0).get())
            .cause()
            .extracting(e -> ((JobAccessException) e).code())
            .isEqualTo("not_found");
        assertThatThrownBy(() -> viaApi.replay(session, user(OWNER), "x2", "secret", 0).get())
            .cause()
            .isInstanceOf(JobAccessException.class)
            .extracting(e -> ((JobAccessException) e).code())
            .isEqualTo("forbidden");
        assertThatThrownBy(() -> viaApi.replay(session, user(OWNER), "x3", "broken", 0).get())
            .cause()
            .isInstanceOf(IllegalStateException.class);
        assertThat(session.received()).isEmpty();
      }
      // The history endpoint answers a directory that cannot answer with 503.
      String secret = "0123456789abcdef0123456789abcdef-history";
      JwtSettings settings =
          new JwtSettings(secret, null, "regen", "regen-realtime", Duration.ofSeconds(30));
      try (KafkaJobReplay viaApi = replay(api)) {
        MockMvc mvc =
            MockMvcBuilders.standaloneSetup(
                    new JobEventsController(
                        viaApi, new BearerAuthenticator(new JwtVerifier(settings))))
                .build();
        String token = new JwtIssuer(settings).issue(OWNER, Set.of(), Duration.ofMinutes(5));
        history(
                mvc,
                MockMvcRequestBuilders.get("/api/job/broken/events")
                    .header("Authorization", "Bearer " + token))
            .andExpect(MockMvcResultMatchers.status().isServiceUnavailable());
        history(
                mvc,
                MockMvcRequestBuilders.get("/api/job/secret/events")
                    .header("Authorization", "Bearer " + token))
            .andExpect(MockMvcResultMatchers.status().isForbidden());
      }

      // A replay located by the query API stops at the job's last offset.
      reads.clear();
      try (KafkaJobReplay viaApi = replay(api)) {
        TestSession session =
            new TestSession(OWNER, 20_000) {
              @Override
              public String accessToken() {
                return "tok-2";
              }
            };
        assertThat(viaApi.replay(session, user(OWNER), "r5", "big-job", 0).get())
            .isEqualTo(JOB_EVENTS);
        assertThat(authHeaders).contains("Bearer tok-2");
        assertThat(reads.get(0)[0]).isEqualTo(jobFirstOffset);
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void historyEndpointStreamsNdjsonToTheOwnerOnly() throws Exception {
    String secret = "0123456789abcdef0123456789abcdef-history";
    JwtSettings settings =
        new JwtSettings(secret, null, "regen", "regen-realtime", Duration.ofSeconds(30));
    JwtIssuer issuer = new JwtIssuer(settings);
    MockMvc mvc =
        MockMvcBuilders.standaloneSetup(
                new JobEventsController(replay, new BearerAuthenticator(new JwtVerifier(settings))))
            .build();
    String ownerToken = issuer.issue(OWNER, Set.of(), Duration.ofMinutes(5));
    MvcResult done =
        history(
                mvc,
                MockMvcRequestBuilders.get("/api/job/big-job/events")
                    .param("fromSeq", "9000")
                    .header("Authorization", "Bearer " + ownerToken))
            .andExpect(MockMvcResultMatchers.status().isOk())
            .andReturn();
    String[] lines = done.getResponse().getContentAsString().split("\n");
    assertThat(lines).hasSize(1_000);
    for (int i = 0; i < lines.length; i++) {
      JsonNode e = JSON.readTree(lines[i]);
      assertThat(e.get("jobId").asString()).isEqualTo("big-job");
      assertThat(e.get("seq").asLong()).isEqualTo(9_000 + i);
    }
    assertThat(done.getResponse().getContentType()).startsWith("application/x-ndjson");

    String strangerToken = issuer.issue("stranger", Set.of(), Duration.ofMinutes(5));
    history(
            mvc,
            MockMvcRequestBuilders.get("/api/job/big-job/events")
                .header("Authorization", "Bearer " + strangerToken))
        .andExpect(MockMvcResultMatchers.status().isForbidden());
    history(
            mvc,
            MockMvcRequestBuilders.get("/api/job/nope/events")
                .header("Authorization", "Bearer " + ownerToken))
        .andExpect(MockMvcResultMatchers.status().isNotFound());
    history(mvc, MockMvcRequestBuilders.get("/api/job/big-job/events"))
        .andExpect(MockMvcResultMatchers.status().isUnauthorized());
    history(
            mvc,
            MockMvcRequestBuilders.get("/api/job/big-job/events")
                .header("Authorization", "Bearer not-a-jwt"))
        .andExpect(MockMvcResultMatchers.status().isUnauthorized());
  }

  @Test
  void aReplayAndAHistoryWhoseFirstEventIsGoneSayTruncated() throws Exception {
    Topic<String, JobEvent> own = kafka.newTopic();
    String job = "old-job";
    RecordMetadata first = kafka.send(own, DeliveryKafka.event(OWNER, job, 0));
    kafka.publish(own, OWNER, job, 1, 10);
    RecordMetadata last = kafka.send(own, DeliveryKafka.completed(OWNER, job, 10));
    TopicPartition tp = new TopicPartition(own.name(), first.partition());
    long logStart = first.offset() + 4; // seq 0..3 deleted, as retention would
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
      admin
          .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(logStart)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    InMemoryJobDirectory dir = new InMemoryJobDirectory(10);
    dir.put(
        job,
        new JobRecord(
            OWNER,
            "model",
            new LogPosition(first.partition(), first.offset()),
            new LogPosition(last.partition(), last.offset())));
    try (KafkaJobReplay old =
        new KafkaJobReplay(
            own,
            kafka.clients(),
            kafka.deserializer(),
            dir,
            DeliveryProperties.defaults(),
            ReplayProperties.defaults(),
            new DeliveryMetrics(new SimpleMeterRegistry()),
            ReplayListener.NONE)) {
      TestSession session = new TestSession(OWNER, 100);
      assertThat(old.replay(session, user(OWNER), "t1", job, 0).get()).isEqualTo(7);
      assertThat(session.keys().subList(0, 7))
          .containsExactly(
              job + ":4", job + ":5", job + ":6", job + ":7", job + ":8", job + ":9", job + ":10");
      JsonNode end = JSON.readTree(session.received().get(7));
      assertThat(end.get("type").asString()).isEqualTo("replay_end");
      assertThat(end.get("truncated").asBoolean()).isTrue();

      String secret = "0123456789abcdef0123456789abcdef-history";
      JwtSettings settings =
          new JwtSettings(secret, null, "regen", "regen-realtime", Duration.ofSeconds(30));
      MockMvc mvc =
          MockMvcBuilders.standaloneSetup(
                  new JobEventsController(old, new BearerAuthenticator(new JwtVerifier(settings))))
              .build();
      String token = new JwtIssuer(settings).issue(OWNER, Set.of(), Duration.ofMinutes(5));
      String[] lines =
          history(
                  mvc,
                  MockMvcRequestBuilders.get("/api/job/" + job + "/events")
                      .header("Authorization", "Bearer " + token))
              .andExpect(MockMvcResultMatchers.status().isOk())
              .andReturn()
              .getResponse()
              .getContentAsString()
              .split("\n");
      assertThat(lines).hasSize(8);
      JsonNode head = JSON.readTree(lines[0]);
      assertThat(head.get("type").asString()).isEqualTo("history");
      assertThat(head.get("truncated").asBoolean()).isTrue();
      assertThat(head.get("partition").asInt()).isEqualTo(first.partition());
      assertThat(head.get("logStartOffset").asLong()).isEqualTo(logStart);
      for (int i = 1; i < lines.length; i++) {
        assertThat(JSON.readTree(lines[i]).get("seq").asLong()).isEqualTo(3 + i);
      }
    }
  }

  /**
   * Performs a history request through every asynchronous step (the job look-up, then the streamed
   * body) and returns the last dispatch's result.
   */
  private static ResultActions history(MockMvc mvc, RequestBuilder request) throws Exception {
    ResultActions actions = mvc.perform(request);
    MvcResult result = actions.andReturn();
    while (result.getRequest().isAsyncStarted()) {
      result.getAsyncResult(TimeUnit.SECONDS.toMillis(30));
      actions = mvc.perform(MockMvcRequestBuilders.asyncDispatch(result));
      result = actions.andReturn();
    }
    return actions;
  }
}
