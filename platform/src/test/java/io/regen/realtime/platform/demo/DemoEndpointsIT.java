package io.regen.realtime.platform.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.platform.app.PlatformApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The platform's own web parts over real HTTP (Jetty on a free port): dev sign-in, REST CORS and
 * the dashboard location, with the gateway and Streams switched off (they have their own tests).
 */
class DemoEndpointsIT {
  private static final String SECRET = "demo-endpoints-it-secret-0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private ConfigurableApplicationContext app;

  private String start(boolean demo, String origins) {
    Map<String, Object> p = new HashMap<>();
    p.put("server.port", 0);
    p.put("regen.gateway.enabled", false);
    p.put("regen.streams.enabled", false);
    p.put("regen.jwt.secret", SECRET);
    p.put("regen.demo.enabled", demo);
    p.put("regen.demo.token-ttl", "2m");
    p.put("spring.kafka.bootstrap-servers", "localhost:1");
    p.put("regen.kafka.bootstrap-servers", "localhost:1");
    if (origins != null) {
      p.put("regen.cors.allowed-origins", origins);
    }
    app = PlatformApplication.start(p, Map.of());
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    return "http://localhost:" + port;
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static HttpResponse<String> post(String url, String body, String origin)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> preflight(String url, String origin) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization,content-type")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void signInIssuesAShortLivedTokenTheGatewayAccepts() throws Exception {
    String base = start(true, null);
    HttpResponse<String> r = post(base + "/api/dev/sign-in", "{\"userId\":\"alice\"}", null);
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).isTrue();
    AuthenticatedUser user =
        new JwtVerifier(new JwtSettings(SECRET, null, null, null, null)).verify(m.group(1));
    assertThat(user.userId()).isEqualTo("alice");
    assertThat(user.roles()).containsExactly(LiveMetricsPush.ROLE);
    assertThat(user.expiresAt())
        .isBetween(Instant.now().plusSeconds(60), Instant.now().plus(Duration.ofMinutes(3)));
  }

  @Test
  void signInRefusesBadUserNames() throws Exception {
    String base = start(true, null);
    for (String body : new String[] {"{\"userId\":\"\"}", "{}", "{\"userId\":\"a b\"}"}) {
      HttpResponse<String> r = post(base + "/api/dev/sign-in", body, null);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.body()).contains("\"error\":\"invalid_request\"");
    }
  }

  @Test
  void withoutTheDemoThereIsNoSignInAndNoDashboard() throws Exception {
    String base = start(false, null);
    assertThat(post(base + "/api/dev/sign-in", "{\"userId\":\"alice\"}", null).statusCode())
        .isEqualTo(404);
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void corsHeadersForAllowedOriginsOnly() throws Exception {
    String base = start(true, "https://app.example, https://admin.example");
    HttpResponse<String> allowed = preflight(base + "/api/dev/sign-in", "https://app.example");
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .containsIgnoringCase("authorization");
    HttpResponse<String> actual =
        post(base + "/api/dev/sign-in", "{\"userId\":\"bob\"}", "https://admin.example");
    assertThat(actual.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://admin.example");

    HttpResponse<String> other = preflight(base + "/api/dev/sign-in", "https://evil.example");
    assertThat(other.headers().map().keySet())
        .noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    HttpResponse<String> otherPost =
        post(base + "/api/dev/sign-in", "{\"userId\":\"bob\"}", "https://evil.example");
    assertThat(otherPost.headers().map().keySet())
        .noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
  }
}
