package io.regen.realtime.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.http.JettyThreadPoolCustomizer;
import io.regen.realtime.gateway.testapp.CapturedLogs;
import io.regen.realtime.gateway.testapp.EmbeddedBroker;
import io.regen.realtime.gateway.testapp.GatewayTestApplication;
import io.regen.realtime.gateway.testapp.RecordingEventDelivery;
import io.regen.realtime.gateway.testapp.RecordingGatewayBeans;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.gateway.testapp.TestWebSocketClient;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Protocol v1, auth and protection over real sockets, with a real broker for job requests. */
@SpringBootTest(
    classes = {GatewayTestApplication.class, RecordingGatewayBeans.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "regen.gateway.enabled=true",
      "regen.jwt.secret=" + TestTokens.SECRET,
      "regen.gateway.auth-timeout=700ms",
      "regen.gateway.sweep-interval=100ms",
      "regen.gateway.token-expiring-lead=2s",
      "regen.gateway.max-connections-per-user=3",
      "regen.gateway.allowed-origins=http://localhost:3000,https://app.example.com",
      "regen.gateway.state-timeout=2s",
      "management.endpoints.web.exposure.include=health,prometheus",
      "logging.level.io.regen.realtime.gateway.ws=DEBUG",
      "server.jetty.accesslog.enabled=true"
    })
@Timeout(120)
class GatewayProtocolIT {
  private static final Path ACCESS_LOG = accessLogFile();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("server.jetty.accesslog.filename", ACCESS_LOG::toString);
  }

  @LocalServerPort int port;
  @Autowired SchemaRegistryClient registry;
  @Autowired WebServerApplicationContext web;
  @Autowired EventDelivery delivery;

  private final List<TestWebSocketClient> clients = new ArrayList<>();

  @AfterAll
  static void cleanUp() throws IOException {
    Files.deleteIfExists(ACCESS_LOG);
  }

  @org.junit.jupiter.api.AfterEach
  void closeClients() {
    clients.forEach(TestWebSocketClient::close);
  }

  @Test
  void jettyServesTheGatewayFromItsBoundedPoolThatShrinksAfterABurst() {
    Server server = ((JettyWebServer) web.getWebServer()).getServer();
    QueuedThreadPool pool = (QueuedThreadPool) server.getThreadPool();
    assertThat(pool.getMaxThreads()).isEqualTo(JettyThreadPoolCustomizer.DEFAULT_MAX);
    assertThat(pool.getIdleTimeout())
        .isEqualTo((int) JettyThreadPoolCustomizer.DEFAULT_IDLE_TIMEOUT.toMillis());
    assertThat(pool.getMaxEvictCount()).isEqualTo(JettyThreadPoolCustomizer.DEFAULT_MAX);
  }

  // --- auth ---

  @Test
  void authenticatesAndWelcomes() {
    TestWebSocketClient c = open();
    c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid("alice") + "\"}");
    JsonNode welcome = c.next();
    assertThat(welcome.path("type").asString()).isEqualTo("welcome");
    assertThat(welcome.path("userId").asString()).isEqualTo("alice");
    assertThat(welcome.path("sessionId").asString()).isNotBlank();
    assertThat(welcome.path("cursor").asString()).isEqualTo(RecordingEventDelivery.LATEST);
    assertThat(welcome.path("resumed").asBoolean()).isFalse();
    assertThat(welcome.path("heartbeatMs").asLong()).isEqualTo(25_000);
    RecordingEventDelivery recording = (RecordingEventDelivery) delivery;
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> recording.started.stream().anyMatch(s -> "alice".equals(s.userId())));
  }

  @Test
  void welcomeWithCursorReportsResumed() {
    TestWebSocketClient c = open();
    c.send(
        "{\"type\":\"auth\",\"token\":\""
            + TestTokens.valid("carol")
            + "\",\"cursor\":\"v1.0.7\"}");
    JsonNode welcome = c.next();
    assertThat(welcome.path("resumed").asBoolean()).isTrue();
  }

  @Test
  void noAuthFrameClosesWith4001AfterTheTimeout() {
    TestWebSocketClient c = open();
    assertThat(c.awaitClose(Duration.ofSeconds(5))).isEqualTo(4001);
  }

  @Test
  void badTokensAreRefusedWith4001() {
    for (String token :
        List.of(
            TestTokens.expired("bob"),
            TestTokens.notYetValid("bob"),
            TestTokens.wrongIssuer("bob"),
            TestTokens.wrongAudience("bob"),
            TestTokens.wrongKey("bob"),
            TestTokens.wrongAlgorithm("bob"),
            TestTokens.rsa("bob"),
            TestTokens.none("bob"),
            "not-a-jwt")) {
      TestWebSocketClient c = open();
      c.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
      JsonNode error = c.next();
      assertThat(error.path("type").asString()).as(token).isEqualTo("error");
      assertThat(error.path("code").asString()).isEqualTo("unauthorized");
      assertThat(c.awaitClose(Duration.ofSeconds(5))).as(token).isEqualTo(4001);
    }
  }

  @Test
  void firstFrameOtherThanAuthCloses4001() {
    TestWebSocketClient c = open();
    c.send("{\"type\":\"ping\",\"id\":\"p\"}");
    assertThat(c.next().path("code").asString()).isEqualTo("unauthorized");
    assertThat(c.awaitClose(Duration.ofSeconds(5))).isEqualTo(4001);
  }

  @Test
  void reauthWithSameUserRefreshesAndAnotherUserCloses4003() {
    TestWebSocketClient c = authed("dave");
    c.send("{\"type\":\"auth\",\"id\":\"r1\",\"token\":\"" + TestTokens.valid("dave") + "\"}");
    JsonNode reauthed = c.next();
    assertThat(reauthed.path("type").asString()).isEqualTo("reauthed");
    assertThat(reauthed.path("id").asString()).isEqualTo("r1");
    c.send("{\"type\":\"auth\",\"id\":\"r2\",\"token\":\"" + TestTokens.wrongKey("dave") + "\"}");
    JsonNode refused = c.next();
    assertThat(refused.path("code").asString()).isEqualTo("unauthorized");
    c.send("{\"type\":\"ping\",\"id\":\"still-open\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("pong");
    c.send("{\"type\":\"auth\",\"id\":\"r3\",\"token\":\"" + TestTokens.valid("mallory") + "\"}");
    JsonNode forbidden = c.next();
    assertThat(forbidden.path("code").asString()).isEqualTo("forbidden");
    assertThat(c.awaitClose(Duration.ofSeconds(5))).isEqualTo(4003);
  }

  @Test
  void tokenExpiryWarnsThenCloses4010() {
    TestWebSocketClient c = open();
    c.send(
        "{\"type\":\"auth\",\"token\":\""
            + TestTokens.validFor("erin", Duration.ofSeconds(4))
            + "\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("welcome");
    JsonNode expiring = c.next(Duration.ofSeconds(6));
    assertThat(expiring.path("type").asString()).isEqualTo("token_expiring");
    assertThat(expiring.path("inMs").asLong()).isBetween(1L, 2_000L);
    assertThat(c.awaitClose(Duration.ofSeconds(8))).isEqualTo(4010);
  }

  @Test
  void refreshBeforeExpiryKeepsTheConnection() {
    TestWebSocketClient c = open();
    c.send(
        "{\"type\":\"auth\",\"token\":\""
            + TestTokens.validFor("frank", Duration.ofSeconds(3))
            + "\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("welcome");
    assertThat(c.next(Duration.ofSeconds(5)).path("type").asString()).isEqualTo("token_expiring");
    c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid("frank") + "\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("reauthed");
    // The first token's expiry passes: the connection stays open all along (checked throughout).
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !c.isClosed());
    c.send("{\"type\":\"ping\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("pong");
  }

  // --- handshake: origin, query token ---

  @Test
  void foreignOriginIsRefused() {
    assertThat(handshakeStatus(() -> open(Map.of("Origin", "https://evil.example.org"))))
        .isEqualTo(403);
  }

  @Test
  void allowedOriginAndNoOriginAreAccepted() {
    TestWebSocketClient browser = open(Map.of("Origin", "https://app.example.com"));
    browser.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid("gina") + "\"}");
    assertThat(browser.next().path("type").asString()).isEqualTo("welcome");
    TestWebSocketClient cli = open();
    cli.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid("gina") + "\"}");
    assertThat(cli.next().path("type").asString()).isEqualTo("welcome");
  }

  @Test
  void accessTokenQueryParameterWorksAndIsNeverLogged() throws IOException {
    CapturedLogs logs = CapturedLogs.attach();
    String token = TestTokens.valid("hank");
    TestWebSocketClient c =
        track(TestWebSocketClient.connect(URI.create(wsUrl() + "?x=1&access_token=" + token)));
    c.send("{\"type\":\"auth\"}");
    JsonNode welcome = c.next();
    assertThat(welcome.path("userId").asString()).isEqualTo("hank");
    String bad = TestTokens.wrongKey("hank");
    assertThat(
            handshakeStatus(
                () -> TestWebSocketClient.connect(URI.create(wsUrl() + "?access_token=" + bad))))
        .isEqualTo(401);
    c.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(Files.readString(ACCESS_LOG)).contains("/ws"));
    String accessLog = Files.readString(ACCESS_LOG);
    assertThat(accessLog).doesNotContain(token).doesNotContain(bad).doesNotContain("access_token");
    // the capture saw the handshake, with the token already removed from the URI
    assertThat(logs.lines()).anyMatch(l -> l.contains("/ws?x=1"));
    assertThat(logs.lines()).noneMatch(l -> l.contains(token) || l.contains(bad));
  }

  // --- frames, limits ---

  @Test
  void pingPongEchoesTheId() {
    TestWebSocketClient c = authed("ivan");
    c.send("{\"type\":\"ping\",\"id\":\"abc\"}");
    JsonNode pong = c.next();
    assertThat(pong.path("type").asString()).isEqualTo("pong");
    assertThat(pong.path("id").asString()).isEqualTo("abc");
  }

  @Test
  void badFramesGetErrorsAndTheConnectionStaysUsable() {
    TestWebSocketClient c = authed("judy");
    c.send("{not json");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    c.send("[1,2,3]");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    c.send("{\"type\":\"launch_missiles\",\"id\":\"x1\"}");
    JsonNode unknown = c.next();
    assertThat(unknown.path("code").asString()).isEqualTo("unknown_type");
    assertThat(unknown.path("id").asString()).isEqualTo("x1");
    c.send("{\"type\":42}");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    c.send("{\"type\":\"cancel_job\",\"id\":\"x2\",\"jobId\":17}");
    JsonNode wrongType = c.next();
    assertThat(wrongType.path("code").asString()).isEqualTo("invalid_frame");
    assertThat(wrongType.path("id").asString()).isEqualTo("x2");
    c.send("{\"type\":\"start_job\",\"id\":\"x3\",\"jobType\":\"model\",\"input\":\"text\"}");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    StringBuilder big = new StringBuilder("{");
    for (int i = 0; i < 65; i++) {
      big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    big.append('}');
    c.send("{\"type\":\"start_job\",\"id\":\"x4\",\"jobType\":\"model\",\"input\":" + big + "}");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    c.send(
        "{\"type\":\"start_job\",\"id\":\"x5\",\"jobType\":\"model\",\"input\":{\"p\":\""
            + "a".repeat(17_000)
            + "\"}}");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    c.send("{\"type\":\"replay\",\"id\":\"x6\",\"jobId\":\"j\",\"fromSeq\":-1}");
    assertThat(c.next().path("code").asString()).isEqualTo("invalid_frame");
    c.send("{\"type\":\"ping\",\"id\":\"alive\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("pong");
  }

  @Test
  void oversizedFrameCloses1009() {
    TestWebSocketClient c = authed("kate");
    c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
    assertThat(c.awaitClose(Duration.ofSeconds(5))).isEqualTo(1009);
  }

  @Test
  void aBinaryMessageCloses1003AndTheNextConnectionIsServed() {
    TestWebSocketClient c = authed("kurt");
    c.sendBinary(new byte[] {1, 2, 3});
    assertThat(c.awaitClose(Duration.ofSeconds(5))).isEqualTo(1003);
    TestWebSocketClient again = authed("kurt");
    again.send("{\"type\":\"ping\",\"id\":\"p\"}");
    assertThat(again.next().path("type").asString()).isEqualTo("pong");
  }

  @Test
  void invalidUtf8Closes1007() throws IOException {
    try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
      socket.setSoTimeout(5_000);
      var out = socket.getOutputStream();
      out.write(
          ("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                  + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = new java.io.DataInputStream(socket.getInputStream());
      StringBuilder headers = new StringBuilder();
      while (!headers.toString().endsWith("\r\n\r\n")) {
        headers.append((char) in.readUnsignedByte());
      }
      assertThat(headers.toString()).startsWith("HTTP/1.1 101");
      byte[] payload = {(byte) 0xC3, (byte) 0x28}; // not UTF-8
      byte[] mask = {1, 2, 3, 4};
      out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length)});
      out.write(mask);
      for (int i = 0; i < payload.length; i++) {
        out.write(payload[i] ^ mask[i % 4]);
      }
      out.flush();
      int opcode = in.readUnsignedByte() & 0x0F;
      assertThat(opcode).as("close frame").isEqualTo(0x8);
      in.readUnsignedByte(); // length
      assertThat(in.readUnsignedShort()).isEqualTo(1007);
    }
  }

  @Test
  void floodingIsRateLimitedThen4008() {
    TestWebSocketClient c = authed("leo");
    for (int i = 0; i < 120 && !c.isClosed(); i++) {
      c.send("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
    }
    assertThat(c.awaitClose(Duration.ofSeconds(5))).isEqualTo(4008);
    List<JsonNode> received = drain(c);
    JsonNode limited =
        received.stream()
            .filter(f -> "rate_limited".equals(f.path("code").asString()))
            .findFirst()
            .orElseThrow();
    assertThat(limited.path("retryAfterMs").asLong()).isPositive();
    assertThat(received.stream().filter(f -> "pong".equals(f.path("type").asString())).count())
        .isBetween(35L, 60L);
  }

  @Test
  void connectionsPerUserAreLimited() {
    for (int i = 0; i < 3; i++) {
      authed("mike");
    }
    TestWebSocketClient fourth = open();
    fourth.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid("mike") + "\"}");
    assertThat(fourth.next().path("code").asString()).isEqualTo("forbidden");
    assertThat(fourth.awaitClose(Duration.ofSeconds(5))).isEqualTo(4008);
  }

  @Test
  void nothingPipelinedBehindAnAuthThatClosesTheConnectionRuns() {
    String user = "pipe-" + UUID.randomUUID();
    TestWebSocketClient first = authed(user);
    authed(user);
    authed(user);
    TestWebSocketClient fourth = open();
    // auth and start_job in one burst: the limit decides the close before start_job is read
    fourth.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(user) + "\"}");
    try {
      fourth.send(
          "{\"type\":\"start_job\",\"id\":\"p1\",\"jobType\":\"model\","
              + "\"input\":{\"prompt\":\"pipelined\"},\"idempotencyKey\":\"pipelined\"}");
    } catch (java.util.concurrent.CompletionException closedFirst) {
      // The server's close can beat the second frame out of the client: then it was never sent,
      // and the assertions below hold all the same.
    }
    assertThat(fourth.awaitClose(Duration.ofSeconds(5))).isEqualTo(4008);
    assertThat(fourth.frames())
        .noneMatch(f -> f.contains("\"ack\""))
        .anyMatch(f -> f.contains("too many connections for this user"));

    first.send(
        "{\"type\":\"start_job\",\"id\":\"m1\",\"jobType\":\"model\","
            + "\"input\":{\"prompt\":\"marker\"},\"idempotencyKey\":\"marker\"}");
    String marker = first.nextOfType("ack").path("jobId").asString();
    List<JobRequest> requests = readRequestsUntil(r -> r.getJobId().equals(marker));
    assertThat(requests.stream().filter(r -> r.getUserId().equals(user)))
        .extracting(JobRequest::getJobId)
        .containsExactly(marker);
  }

  // --- jobs ---

  @Test
  void startJobWritesAJobRequestAndRepeatsAreIdempotent() {
    TestWebSocketClient c = authed("nina");
    String key = UUID.randomUUID().toString();
    String frame =
        "{\"type\":\"start_job\",\"id\":\"s1\",\"jobType\":\"model\",\"input\":{\"prompt\":\"hi\","
            + "\"n\":3},\"idempotencyKey\":\""
            + key
            + "\"}";
    c.send(frame);
    JsonNode ack = c.next();
    assertThat(ack.path("type").asString()).isEqualTo("ack");
    assertThat(ack.path("id").asString()).isEqualTo("s1");
    String jobId = ack.path("jobId").asString();
    c.send(frame.replace("\"s1\"", "\"s2\""));
    JsonNode again = c.next();
    assertThat(again.path("id").asString()).isEqualTo("s2");
    assertThat(again.path("jobId").asString()).isEqualTo(jobId);
    c.send("{\"type\":\"start_job\",\"id\":\"s3\",\"jobType\":\"research\"}");
    String marker = c.next().path("jobId").asString();
    assertThat(marker).isNotEqualTo(jobId);

    List<JobRequest> requests = readRequestsUntil(r -> r.getJobId().equals(marker));
    List<JobRequest> mine = requests.stream().filter(r -> r.getJobId().equals(jobId)).toList();
    assertThat(mine).hasSize(1);
    JobRequest request = mine.get(0);
    assertThat(request.getUserId()).isEqualTo("nina");
    assertThat(request.getJobType()).isEqualTo("model");
    assertThat(request.getInput()).containsEntry("prompt", "hi").containsEntry("n", "3");
    assertThat(request.getIdempotencyKey()).isEqualTo(key);
    assertThat(request.getAction()).isEqualTo(JobRequestAction.START);
  }

  @Test
  void cancelJobWritesACancelRequestForTheOwnerOnly() {
    TestWebSocketClient owner = authed("olga");
    owner.send("{\"type\":\"start_job\",\"id\":\"s\",\"jobType\":\"research\"}");
    String jobId = owner.next().path("jobId").asString();

    TestWebSocketClient stranger = authed("pete");
    stranger.send("{\"type\":\"cancel_job\",\"id\":\"c0\",\"jobId\":\"" + jobId + "\"}");
    assertThat(stranger.next().path("code").asString()).isEqualTo("forbidden");

    owner.send("{\"type\":\"cancel_job\",\"id\":\"c1\",\"jobId\":\"" + jobId + "\"}");
    JsonNode ack = owner.next();
    assertThat(ack.path("type").asString()).isEqualTo("ack");
    assertThat(ack.path("jobId").asString()).isEqualTo(jobId);

    List<JobRequest> requests =
        readRequestsUntil(
            r -> r.getJobId().equals(jobId) && r.getAction() == JobRequestAction.CANCEL);
    List<JobRequest> forJob = requests.stream().filter(r -> r.getJobId().equals(jobId)).toList();
    assertThat(forJob)
        .extracting(JobRequest::getAction)
        .containsExactly(JobRequestAction.START, JobRequestAction.CANCEL);
    assertThat(forJob.get(1).getUserId()).isEqualTo("olga");
    assertThat(forJob.get(1).getJobType()).isEqualTo("research");
  }

  @Test
  void cancelOfAnUnknownJobIsNotFound() {
    TestWebSocketClient c = authed("quinn");
    c.send("{\"type\":\"cancel_job\",\"id\":\"c\",\"jobId\":\"" + UUID.randomUUID() + "\"}");
    JsonNode error = c.next();
    assertThat(error.path("type").asString()).isEqualTo("error");
    assertThat(error.path("id").asString()).isEqualTo("c");
    assertThat(error.path("code").asString()).isIn("not_found", "internal");
  }

  @Test
  void restStartsJobsWithBearerTokens() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body = "{\"jobType\":\"model\",\"input\":{\"prompt\":\"x\"},\"idempotencyKey\":\"k-1\"}";
    HttpResponse<String> noToken =
        http.send(post(body, null), HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);
    HttpResponse<String> badToken =
        http.send(post(body, TestTokens.expired("rita")), HttpResponse.BodyHandlers.ofString());
    assertThat(badToken.statusCode()).isEqualTo(401);
    HttpResponse<String> badBody =
        http.send(
            post("{\"jobType\":7}", TestTokens.valid("rita")),
            HttpResponse.BodyHandlers.ofString());
    assertThat(badBody.statusCode()).isEqualTo(400);

    HttpResponse<String> ok =
        http.send(post(body, TestTokens.valid("rita")), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    String jobId = json(ok.body()).path("jobId").asString();
    HttpResponse<String> again =
        http.send(post(body, TestTokens.valid("rita")), HttpResponse.BodyHandlers.ofString());
    assertThat(json(again.body()).path("jobId").asString()).isEqualTo(jobId);

    HttpResponse<String> viaQuery =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + port
                            + "/api/jobs?access_token="
                            + TestTokens.valid("rita")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // access_token in the URL is for the WebSocket handshake only (RestEdgeIT has the details)
    assertThat(viaQuery.statusCode()).isEqualTo(400);

    List<JobRequest> requests = readRequestsUntil(r -> r.getJobId().equals(jobId));
    assertThat(
            requests.stream()
                .filter(r -> r.getJobId().equals(jobId))
                .findFirst()
                .orElseThrow()
                .getUserId())
        .isEqualTo("rita");
  }

  @Test
  void prometheusExposesGatewayMeters() throws Exception {
    authed("sam");
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("active_socket_connections")
        .contains("gateway_frames_sent_total")
        .contains("gateway_frames_received_total");
  }

  @Test
  void aWebSocketHandshakeIsNotObservedAsAnHttpRequestButRestRequestsAre() throws Exception {
    authed("hugo");
    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://localhost:" + port + "/actuator/health");
    assertThat(
            http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    URI prometheus = URI.create("http://localhost:" + port + "/actuator/prometheus");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                http.send(
                        HttpRequest.newBuilder(prometheus).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body()
                    .lines()
                    .anyMatch(
                        l ->
                            l.startsWith("http_server_requests_seconds_count{")
                                && l.contains("uri=\"/actuator/health\"")));
    List<String> requests =
        http.send(HttpRequest.newBuilder(prometheus).build(), HttpResponse.BodyHandlers.ofString())
            .body()
            .lines()
            .filter(l -> l.startsWith("http_server_requests_seconds_count{"))
            .toList();
    assertThat(requests).noneMatch(l -> l.contains("uri=\"/ws\"") || l.contains("status=\"101\""));
  }

  // --- helpers ---

  private String wsUrl() {
    return "ws://localhost:" + port + "/ws";
  }

  private TestWebSocketClient open() {
    return open(Map.of());
  }

  private TestWebSocketClient open(Map<String, String> headers) {
    try {
      return track(TestWebSocketClient.connect(URI.create(wsUrl()), headers));
    } catch (CompletionException e) {
      throw e;
    }
  }

  /** The HTTP status of a refused handshake. */
  private static int handshakeStatus(Runnable connect) {
    Throwable failure = null;
    try {
      connect.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
    }
    throw new AssertionError("handshake was not refused", failure);
  }

  private TestWebSocketClient authed(String userId) {
    TestWebSocketClient c = open();
    c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(userId) + "\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("welcome");
    return c;
  }

  private TestWebSocketClient track(TestWebSocketClient client) {
    clients.add(client);
    return client;
  }

  private static List<JsonNode> drain(TestWebSocketClient c) {
    List<JsonNode> all = new ArrayList<>();
    List<String> raw = new ArrayList<>();
    c.frames().drainTo(raw);
    raw.forEach(r -> all.add(json(r)));
    return all;
  }

  private static JsonNode json(String text) {
    return tools.jackson.databind.json.JsonMapper.builder().build().readTree(text);
  }

  private HttpRequest post(String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/jobs"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  /** Reads jobs.requests.v1 from the start with a plain consumer until {@code until} matches. */
  private List<JobRequest> readRequestsUntil(Predicate<JobRequest> until) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedBroker.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<JobRequest> seen = new ArrayList<>();
    try (KafkaConsumer<String, JobRequest> consumer =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            new RegistrySerdes(registry).valueDeserializer(Topics.JOB_REQUESTS))) {
      TopicPartition tp = new TopicPartition(Topics.JOB_REQUESTS.name(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (ConsumerRecord<String, JobRequest> r : consumer.poll(Duration.ofMillis(200))) {
                  assertThat(r.key()).isEqualTo(r.value().getJobId());
                  seen.add(r.value());
                }
                return seen.stream().anyMatch(until);
              });
    }
    return seen;
  }

  private static Path accessLogFile() {
    try {
      return Files.createTempFile("gateway-access", ".log");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
