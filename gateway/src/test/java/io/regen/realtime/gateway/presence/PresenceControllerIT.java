package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The presence REST API over real HTTP, backed by a real redis-server. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = PresenceControllerIT.App.class)
@Timeout(120)
class PresenceControllerIT {
  private static final String SECRET = "presence-controller-it-secret-0123456789abcdef";
  private static final RedisServerProcess REDIS = RedisServerProcess.start();
  private static final JwtIssuer TOKENS = new JwtIssuer(JwtSettings.hs256(SECRET));
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(PresenceConfiguration.class)
  static class App {
    @Bean
    JwtVerifier jwtVerifier() {
      return new JwtVerifier(JwtSettings.hs256(SECRET));
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("regen.redis.url", REDIS::url);
    registry.add("regen.node-id", () -> "node-it");
    registry.add("regen.presence.key-prefix", () -> "controller-it:" + UUID.randomUUID() + ":");
    registry.add("regen.presence.ttl", () -> "10s");
    registry.add("regen.presence.heartbeat-interval", () -> "1s");
  }

  @AfterAll
  static void stopRedis() {
    REDIS.stop();
  }

  @LocalServerPort int port;
  @Autowired PresenceRegistry registry;
  @Autowired PresenceRecorder recorder;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void redisUrlSelectsTheRedisRegistry() {
    assertThat(registry).isInstanceOf(RedisPresenceRegistry.class);
    assertThat(recorder.nodeId()).isEqualTo("node-it");
  }

  @Test
  void missingOrInvalidTokenIs401WithAJsonError() throws Exception {
    HttpResponse<String> missing = get("/api/presence/alice", null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> v.startsWith("Bearer"));
    assertThat(json(missing).get("error").asString()).isEqualTo("unauthorized");

    HttpResponse<String> garbage = get("/api/presence/alice", "not-a-jwt");
    assertThat(garbage.statusCode()).isEqualTo(401);
    assertThat(json(garbage).get("message").asString()).doesNotContain("not-a-jwt");

    String otherKey =
        new JwtIssuer(JwtSettings.hs256("another-secret-of-enough-length-0123456789"))
            .issue("alice");
    assertThat(get("/api/presence/alice", otherKey).statusCode()).isEqualTo(401);

    String expired = TOKENS.issue("alice", List.of(), Duration.ofMinutes(-5));
    assertThat(get("/api/presence/alice", expired).statusCode()).isEqualTo(401);

    HttpResponse<String> basic =
        http.send(
            HttpRequest.newBuilder(uri("/api/presence/alice"))
                .header("Authorization", "Basic YWxpY2U6cHc=")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(get("/api/presence", null).statusCode()).isEqualTo(401);
  }

  @Test
  void anotherUsersPresenceAndTheCountAreForbiddenWithoutTheAnalystRole() throws Exception {
    HttpResponse<String> other = get("/api/presence/alice", TOKENS.issue("bob"));
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(json(other).get("error").asString()).isEqualTo("forbidden");

    HttpResponse<String> count = get("/api/presence", TOKENS.issue("bob"));
    assertThat(count.statusCode()).isEqualTo(403);
    assertThat(json(count).get("error").asString()).isEqualTo("forbidden");
  }

  @Test
  void selfAndAnalystReadPresence() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String analyst = TOKENS.issue("ana", List.of("analyst"), Duration.ofMinutes(5));
    long before = json(get("/api/presence", analyst)).get("onlineUsers").asLong();
    Instant start = Instant.now().minusSeconds(1);

    JsonNode never = json(get("/api/presence/" + user, TOKENS.issue(user)));
    assertThat(never.get("online").asBoolean()).isFalse();
    assertThat(never.get("connections").asInt()).isZero();
    assertThat(never.get("lastSeen").isNull()).isTrue();

    recorder.opened(user, "tab-1");
    recorder.opened(user, "tab-2");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json(get("/api/presence/" + user, TOKENS.issue(user))).get("connections").asInt()
                    == 2);

    HttpResponse<String> self = get("/api/presence/" + user, TOKENS.issue(user));
    assertThat(self.statusCode()).isEqualTo(200);
    assertThat(self.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> v.startsWith("application/json"));
    JsonNode body = json(self);
    assertThat(body.get("userId").asString()).isEqualTo(user);
    assertThat(body.get("online").asBoolean()).isTrue();
    assertThat(body.get("nodes").get(0).asString()).isEqualTo("node-it");
    assertThat(Instant.parse(body.get("lastSeen").asString())).isAfter(start);

    HttpResponse<String> byAnalyst = get("/api/presence/" + user, analyst);
    assertThat(byAnalyst.statusCode()).isEqualTo(200);
    assertThat(json(byAnalyst).get("connections").asInt()).isEqualTo(2);
    assertThat(json(get("/api/presence", analyst)).get("onlineUsers").asLong())
        .isEqualTo(before + 1);

    recorder.closed(user, "tab-1");
    recorder.closed(user, "tab-2");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !json(get("/api/presence/" + user, analyst)).get("online").asBoolean());
  }

  @Test
  void redisDownGives503FastWithRetryAfterAndRecoversByItself() throws Exception {
    String token = TOKENS.issue("carol");
    String analyst = TOKENS.issue("ana", List.of("analyst"), Duration.ofMinutes(5));
    assertThat(get("/api/presence/carol", token).statusCode()).isEqualTo(200);

    REDIS.stop();
    try {
      for (String path : List.of("/api/presence/carol", "/api/presence")) {
        long start = System.nanoTime();
        HttpResponse<String> down = get(path, path.equals("/api/presence") ? analyst : token);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        JsonNode error = json(down);
        assertThat(error.get("error").asString()).isEqualTo("presence_unavailable");
        assertThat(error.get("message").asString()).isNotBlank();
      }
      // Authentication still comes first: no token is 401 even while presence is down.
      assertThat(get("/api/presence/carol", null).statusCode()).isEqualTo(401);
    } finally {
      REDIS.restart();
    }

    await("presence recovers by itself")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get("/api/presence/carol", token).statusCode() == 200);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
