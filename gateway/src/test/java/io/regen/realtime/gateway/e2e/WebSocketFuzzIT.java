package io.regen.realtime.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.regen.realtime.gateway.testapp.GatewayTestApplication;
import io.regen.realtime.gateway.testapp.RecordingGatewayBeans;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.testsupport.RawWebSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bounded fuzz of the gateway's edges over real sockets: every bad WebSocket frame and REST
 * parameter is answered with an error or a close, never a 500 or a hang, and the server keeps
 * serving a well-behaved client afterwards.
 */
@SpringBootTest(
    classes = {GatewayTestApplication.class, RecordingGatewayBeans.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "regen.gateway.enabled=true",
      "regen.jwt.secret=" + TestTokens.SECRET,
      "regen.gateway.auth-timeout=1s",
      "regen.gateway.sweep-interval=100ms",
      "regen.gateway.edge.rest-requests-per-minute=100000",
      "regen.gateway.frames-per-second=1000",
      "regen.gateway.frame-burst=1000"
    })
@Timeout(300)
class WebSocketFuzzIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecretKey KEY =
      Keys.hmacShaKeyFor(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
  private static final int MAX_FRAME = 64 * 1024;

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  /** What the server did with a bad input. */
  private record Outcome(String errorCode, int closeCode) {
    boolean refused() {
      return errorCode != null || closeCode > 0;
    }
  }

  @Test
  void badFramesBeforeAuthAreAnsweredWithAnErrorOrAClose() throws Exception {
    List<String> frames = new ArrayList<>();
    // deep nesting inside 64 KiB
    int depth = (MAX_FRAME - 64) / 2;
    frames.add("{\"type\":\"auth\",\"token\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
    frames.add("[".repeat(MAX_FRAME - 1));
    frames.add("{\"a\":".repeat(MAX_FRAME / 6) + "1");
    // huge numbers
    frames.add("{\"type\":\"auth\",\"id\":" + "9".repeat(60_000) + ",\"token\":\"x\"}");
    frames.add("{\"type\":\"auth\",\"id\":1e999999999,\"token\":\"x\"}");
    frames.add("{\"type\":" + "1".repeat(5000) + "}");
    // tokens: 16 KiB + 1, and tokens with hostile headers and claims
    frames.add(auth("a".repeat(16 * 1024 + 1)));
    frames.add(auth(token(b -> b.compressWith(Jwts.ZIP.DEF))));
    frames.add(auth(token(b -> b.header().keyId("../../etc/passwd").and(), otherKey())));
    frames.add(
        auth(
            token(
                b -> b.header().jwkSetUrl(URI.create("http://127.0.0.1:1/jwks.json")).and(),
                otherKey())));
    frames.add(
        auth(token(b -> b.audience().add(List.of("other-a", "other-b")).and(), KEY, "fuzz-aud")));
    frames.add(auth(token(b -> b.subject("fuzz\nadmin"))));
    frames.add(auth(token(b -> b.subject("x".repeat(10_000)))));
    frames.add(auth(token(b -> b.expiration(Date.from(Instant.now().plus(Duration.ofDays(400)))))));
    frames.add(auth("eyJhbGciOiJub25lIn0.e30."));
    frames.add(auth("..."));
    frames.add("{\"type\":\"auth\",\"token\":{\"$ne\":null}}");
    frames.add("{\"type\":\"auth\",\"token\":[\"a\",\"b\"]}");
    frames.add("{\"type\":\"auth\",\"token\":\"\\u0000\"}");
    frames.add("null");
    frames.add("\"auth\"");
    frames.add("{}");
    frames.add("");
    // generated: seeded random printable garbage and truncations of a valid auth frame
    Random random = new Random(42);
    String valid = auth(TestTokens.valid("fuzz-trunc"));
    for (int i = 0; i < 20; i++) {
      frames.add(valid.substring(0, random.nextInt(valid.length() - 1)));
      byte[] garbage = new byte[1 + random.nextInt(2000)];
      for (int j = 0; j < garbage.length; j++) {
        garbage[j] = (byte) (32 + random.nextInt(95));
      }
      frames.add(new String(garbage, StandardCharsets.US_ASCII));
    }

    for (String frame : frames) {
      Outcome outcome = sendBeforeAuth(frame.getBytes(StandardCharsets.UTF_8));
      assertThat(outcome.refused())
          .as("refused: %s", frame.substring(0, Math.min(80, frame.length())))
          .isTrue();
      assertThat(outcome.errorCode()).isNotEqualTo("internal");
    }
    assertStillServing();
  }

  @Test
  void aSubjectWithAPipeIsAnOrdinaryUserId() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendText(auth(token(b -> b.subject("fuzz|pipe"))));
      JsonNode welcome = nextText(ws);
      assertThat(welcome.path("type").asString()).isEqualTo("welcome");
      assertThat(welcome.path("userId").asString()).isEqualTo("fuzz|pipe");
    }
  }

  @Test
  void badFramesAfterAuthAreAnsweredWithAnErrorOrAClose() throws Exception {
    String job = UUID.randomUUID().toString();
    List<String> frames =
        List.of(
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\""
                + job
                + "\",\"fromSeq\":9223372036854775808}",
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\"" + job + "\",\"fromSeq\":1.0}",
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\"" + job + "\",\"fromSeq\":\"1\"}",
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\"" + job + "\",\"fromSeq\":-1}",
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\"" + job + "\",\"fromSeq\":1e400}",
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\"" + "j".repeat(10_000) + "\"}",
            "{\"type\":\"replay\",\"id\":\"r\",\"jobId\":\"a/../b%2F\"}",
            "{\"type\":\"cancel_job\",\"id\":\"c\",\"jobId\":null}",
            "{\"type\":\"start_job\",\"id\":\"s\",\"jobType\":\"model\",\"input\":"
                + "[".repeat(20_000)
                + "]".repeat(20_000)
                + "}",
            "{\"type\":\"start_job\",\"id\":\"s\",\"jobType\":\"model\",\"input\":{\"n\":"
                + "7".repeat(50_000)
                + "}}",
            "{\"type\":\"start_job\",\"id\":\"s\",\"jobType\":\"" + "m".repeat(10_000) + "\"}",
            "{\"type\":\"" + "t".repeat(10_000) + "\"}",
            "{\"type\":\"ping\",\"id\":" + "1".repeat(30_000) + "}");
    for (String frame : frames) {
      Outcome outcome = sendAfterAuth(frame.getBytes(StandardCharsets.UTF_8));
      assertThat(outcome.refused()).as("refused: %.80s", frame).isTrue();
      assertThat(outcome.errorCode()).as("%.80s", frame).isNotEqualTo("internal");
    }
    assertStillServing();
  }

  @Test
  void brokenFramingIsClosed() throws Exception {
    // invalid UTF-8 in a text frame: 1007
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendFrame(true, RawWebSocket.Frame.TEXT, new byte[] {'{', (byte) 0xC3, 0x28, '}'});
      assertThat(awaitOutcome(ws).closeCode()).isEqualTo(1007);
    }
    // an unfinished fragment, then a new message instead of its continuation: protocol error
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendFrame(
          false, RawWebSocket.Frame.TEXT, "{\"type\":\"au".getBytes(StandardCharsets.UTF_8));
      ws.sendFrame(true, RawWebSocket.Frame.TEXT, "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(awaitOutcome(ws).closeCode()).isEqualTo(1002);
    }
    // an unfinished fragment left hanging: the auth timeout closes it
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendFrame(
          false, RawWebSocket.Frame.TEXT, "{\"type\":\"auth\"".getBytes(StandardCharsets.UTF_8));
      assertThat(awaitOutcome(ws).refused()).isTrue();
    }
    // fragments adding up to more than 64 KiB: 1009
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      byte[] part = new byte[40 * 1024];
      java.util.Arrays.fill(part, (byte) ' ');
      ws.sendFrame(false, RawWebSocket.Frame.TEXT, part);
      ws.sendFrame(true, 0, part);
      assertThat(awaitOutcome(ws).closeCode()).isEqualTo(1009);
    }
    // a binary frame is not protocol v1
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendFrame(true, 2, new byte[] {1, 2, 3});
      assertThat(awaitOutcome(ws).refused()).isTrue();
    }
    assertStillServing();
  }

  @Test
  void badRestParametersAreErrorsNotFailures() throws Exception {
    String token = TestTokens.valid("fuzz-rest");
    List<String> paths =
        List.of(
            "/api/job/" + UUID.randomUUID() + "/events?fromSeq=-9223372036854775808",
            "/api/job/" + UUID.randomUUID() + "/events?fromSeq=9223372036854775808",
            "/api/job/" + UUID.randomUUID() + "/events?fromSeq=1.0",
            "/api/job/" + UUID.randomUUID() + "/events?fromSeq=%25zz",
            "/api/job/a%2Fb/events",
            "/api/job/a%00b/events",
            "/api/job/" + "j".repeat(10_000) + "/events",
            "/api/job/" + "j".repeat(2_000) + "/events",
            "/api/presence/" + "u".repeat(2_000),
            "/api/presence/a%2Fb");
    for (String path : paths) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as("%.100s -> %s", path, response.body())
          .isBetween(400, 499);
    }
    // 500 concurrent requests with hostile parameters: all answered, none fails the server
    List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      concurrent.add(
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://localhost:"
                              + port
                              + "/api/job/"
                              + UUID.randomUUID()
                              + "/events?fromSeq=-9223372036854775808"))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (var response : concurrent) {
      assertThat(response.get(90, TimeUnit.SECONDS).statusCode()).isBetween(400, 503);
    }
    assertStillServing();
  }

  // --- helpers ---

  private Outcome sendBeforeAuth(byte[] frame) throws IOException {
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendFrame(true, RawWebSocket.Frame.TEXT, frame);
      return awaitOutcome(ws);
    }
  }

  private Outcome sendAfterAuth(byte[] frame) throws IOException {
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendText(auth(TestTokens.valid("fuzz-" + UUID.randomUUID())));
      assertThat(nextText(ws).path("type").asString()).isEqualTo("welcome");
      ws.sendFrame(true, RawWebSocket.Frame.TEXT, frame);
      return awaitOutcome(ws);
    }
  }

  /** The first error frame or close; a socket that just goes quiet fails the test. */
  private static Outcome awaitOutcome(RawWebSocket ws) throws IOException {
    while (true) {
      RawWebSocket.Frame frame;
      try {
        frame = ws.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("neither an error nor a close within the socket timeout", e);
      } catch (java.io.EOFException | java.net.SocketException closed) {
        return new Outcome(null, 1006);
      }
      if (frame.opcode() == RawWebSocket.Frame.CLOSE) {
        return new Outcome(null, frame.closeCode());
      }
      if (frame.opcode() == RawWebSocket.Frame.TEXT) {
        JsonNode node = JSON.readTree(frame.text());
        if ("error".equals(node.path("type").asString())) {
          return new Outcome(node.path("code").asString(), 0);
        }
      }
    }
  }

  private static JsonNode nextText(RawWebSocket ws) throws IOException {
    while (true) {
      RawWebSocket.Frame frame = ws.read();
      if (frame.opcode() == RawWebSocket.Frame.TEXT) {
        return JSON.readTree(frame.text());
      }
      if (frame.opcode() == RawWebSocket.Frame.CLOSE) {
        throw new AssertionError("closed with " + frame.closeCode());
      }
    }
  }

  /** A well-behaved client is still welcomed and answered, and health is UP. */
  private void assertStillServing() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect("localhost", port, "/ws", 64 * 1024)) {
      ws.sendText(auth(TestTokens.valid("fuzz-good")));
      assertThat(nextText(ws).path("type").asString()).isEqualTo("welcome");
      ws.sendText("{\"type\":\"ping\",\"id\":\"still\"}");
      assertThat(nextText(ws).path("type").asString()).isEqualTo("pong");
    }
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  private static String auth(String token) {
    return "{\"type\":\"auth\",\"token\":" + JSON.writeValueAsString(token) + "}";
  }

  private static SecretKey otherKey() {
    return Keys.hmacShaKeyFor(
        "an-attacker-key-of-at-least-32-bytes-long!!".getBytes(StandardCharsets.UTF_8));
  }

  private static String token(java.util.function.UnaryOperator<io.jsonwebtoken.JwtBuilder> change) {
    return token(change, KEY);
  }

  private static String token(
      java.util.function.UnaryOperator<io.jsonwebtoken.JwtBuilder> change, SecretKey key) {
    return token(change, key, null);
  }

  private static String token(
      java.util.function.UnaryOperator<io.jsonwebtoken.JwtBuilder> change,
      SecretKey key,
      String onlyAudience) {
    Instant now = Instant.now();
    io.jsonwebtoken.JwtBuilder b =
        Jwts.builder()
            .subject("fuzz-user")
            .issuer(TestTokens.ISSUER)
            .issuedAt(Date.from(now))
            .expiration(Date.from(now.plus(Duration.ofMinutes(10))));
    if (onlyAudience == null) {
      b = b.audience().add(TestTokens.AUDIENCE).and();
    }
    return change.apply(b).signWith(key, Jwts.SIG.HS256).compact();
  }
}
