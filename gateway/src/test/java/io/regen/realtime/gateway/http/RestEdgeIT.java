package io.regen.realtime.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.gateway.testapp.GatewayTestApplication;
import io.regen.realtime.gateway.testapp.RecordingGatewayBeans;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.gateway.testapp.TestWebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The gateway's HTTP edge under attack, over real sockets: bodies capped in Jetty, authentication
 * before any body is read, no tokens in REST URLs, per-user REST rates — while everyone else is
 * still served.
 */
@SpringBootTest(
    classes = {GatewayTestApplication.class, RecordingGatewayBeans.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "regen.gateway.enabled=true",
      "regen.jwt.secret=" + TestTokens.SECRET,
      "regen.gateway.edge.max-request-body-bytes=65536",
      "regen.gateway.edge.rest-requests-per-minute=20",
      "regen.gateway.edge.trusted-proxies=127.0.0.1,::1",
      "regen.gateway.max-connections-per-ip=2"
    })
@Timeout(180)
class RestEdgeIT {
  private static final long HUGE = 400L * 1024 * 1024;

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void concurrentUnauthenticatedHugeChunkedPostsAreRefusedUnreadWhileOthersAreServed()
      throws Exception {
    List<RawHttp> attackers = new ArrayList<>();
    List<CompletableFuture<Boolean>> streams = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RawHttp attacker = RawHttp.connect(port);
      attackers.add(attacker);
      attacker.send(
          "POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n");
      streams.add(CompletableFuture.supplyAsync(() -> attacker.streamChunks(HUGE, 64 * 1024)));
    }
    try {
      for (RawHttp attacker : attackers) {
        String response = attacker.response().get(60, TimeUnit.SECONDS);
        assertThat(RawHttp.status(response)).as(response).isEqualTo(401);
        assertThat(response).contains("\"error\":\"unauthorized\"");
      }
      // Served meanwhile: a normal job start.
      HttpResponse<String> ok = startJob(TestTokens.valid("edge-normal"), validBody("n-1"));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      for (int i = 0; i < attackers.size(); i++) {
        // the server closed the connection: the 400 MB were never read
        assertThat(streams.get(i).get(60, TimeUnit.SECONDS)).isFalse();
        assertThat(attackers.get(i).bodyBytesWritten()).isLessThan(64L * 1024 * 1024);
      }
    } finally {
      attackers.forEach(RawHttp::close);
    }
    HttpResponse<String> after = startJob(TestTokens.valid("edge-normal"), validBody("n-2"));
    assertThat(after.statusCode()).isEqualTo(200);
  }

  @Test
  void aDeclaredBodyOverTheCapIs413BeforeAnyByteIsRead() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send(
          "POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Authorization: Bearer "
              + TestTokens.valid("edge-cl")
              + "\r\nContent-Length: "
              + HUGE
              + "\r\n\r\n");
      String response = client.response().get(30, TimeUnit.SECONDS);
      assertThat(RawHttp.status(response)).as(response).isEqualTo(413);
    }
  }

  @Test
  void anAuthenticatedChunkedBodyIsCutOffWith413AtTheCap() throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send(
          "POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Authorization: Bearer "
              + TestTokens.valid("edge-chunked")
              + "\r\nTransfer-Encoding: chunked\r\n\r\n");
      CompletableFuture<Boolean> stream =
          CompletableFuture.supplyAsync(() -> client.streamChunks(HUGE, 16 * 1024));
      String response = client.response().get(60, TimeUnit.SECONDS);
      assertThat(RawHttp.status(response)).as(response).isEqualTo(413);
      assertThat(stream.get(60, TimeUnit.SECONDS)).isFalse();
      assertThat(client.bodyBytesWritten()).isLessThan(64L * 1024 * 1024);
    }
    assertThat(startJob(TestTokens.valid("edge-chunked"), validBody("c-1")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aTokenInTheUrlIsRefusedOnRest() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + port
                            + "/api/jobs?access_token="
                            + TestTokens.valid("edge-url")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(validBody("u-1")))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("only on the WebSocket handshake");
  }

  @Test
  void restRequestsAreRateLimitedPerUser() throws Exception {
    String greedy = TestTokens.valid("edge-greedy");
    int served = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 25; i++) {
      last = startJob(greedy, "{\"jobType\":7}");
      if (last.statusCode() == 429) {
        break;
      }
      assertThat(last.statusCode()).isEqualTo(400);
      served++;
    }
    assertThat(served).isEqualTo(20);
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    assertThat(last.body()).contains("\"error\":\"rate_limited\"");
    // another user is not affected
    assertThat(startJob(TestTokens.valid("edge-other"), "{\"jobType\":7}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void tokenErrorsSayInvalidTokenWithoutNamingTheExpectedAudience() throws Exception {
    HttpResponse<String> response =
        startJob(TestTokens.wrongAudience("edge-aud"), validBody("a-1"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("invalid token").doesNotContain(TestTokens.AUDIENCE);
  }

  @Test
  void behindATrustedProxyTheConnectionLimitKeysOnTheForwardedClientAddress() {
    List<TestWebSocketClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        open.add(authedVia("203.0.113.7", "edge-xff-" + i));
      }
      // the third connection of that client is refused, whichever proxy hop it came through
      assertThatThrownBy(() -> authedVia("10.9.9.9, 203.0.113.7", "edge-xff-3"))
          .cause()
          .isInstanceOf(java.net.http.WebSocketHandshakeException.class)
          .extracting(
              e -> ((java.net.http.WebSocketHandshakeException) e).getResponse().statusCode())
          .isEqualTo(429);
      // another client behind the same proxy has its own budget
      open.add(authedVia("203.0.113.8", "edge-xff-4"));
    } finally {
      open.forEach(TestWebSocketClient::close);
    }
  }

  private TestWebSocketClient authedVia(String forwardedFor, String user) {
    TestWebSocketClient c =
        TestWebSocketClient.connect(
            URI.create("ws://localhost:" + port + "/ws"),
            java.util.Map.of(ClientAddresses.FORWARDED_FOR, forwardedFor));
    c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(user) + "\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("welcome");
    return c;
  }

  private HttpResponse<String> startJob(String token, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/jobs"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String validBody(String key) {
    return "{\"jobType\":\"model\",\"input\":{\"prompt\":\"x\"},\"idempotencyKey\":\""
        + key
        + "\"}";
  }
}
