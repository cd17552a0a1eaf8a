package io.regen.realtime.gateway.queryproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.regen.realtime.auth.ErrorBody;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** The forwarding of query API paths, against a real HTTP server standing in for the query API. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueryApiProxyControllerTest {
  private final List<HttpExchange> seen = new CopyOnWriteArrayList<>();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private HttpServer upstream;
  private QueryApiProxyController proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.setExecutor(Executors.newCachedThreadPool());
    upstream.createContext(
        "/",
        exchange -> {
          seen.add(exchange);
          String path = exchange.getRequestURI().getPath();
          if (path.endsWith("/slow/state")) {
            try {
              releaseSlow.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          boolean authorized = exchange.getRequestHeaders().getFirst("Authorization") != null;
          int status = path.startsWith("/api/analytics") ? 503 : authorized ? 200 : 401;
          byte[] body =
              ("{\"path\":\"" + exchange.getRequestURI() + "\",\"status\":" + status + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          if (status == 503) {
            exchange.getResponseHeaders().add("Retry-After", "1");
          }
          String query = exchange.getRequestURI().getQuery();
          if (query != null && query.contains("allowStale=true")) {
            exchange.getResponseHeaders().add("X-Regen-Stale", "true");
          }
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    String base = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/";
    proxy = new QueryApiProxyController(() -> base, Duration.ofMillis(500));
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    upstream.stop(0);
  }

  private static MockHttpServletRequest get(String path, String query, String authorization) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    request.setQueryString(query);
    if (authorization != null) {
      request.addHeader("Authorization", authorization);
    }
    return request;
  }

  private static String body(ResponseEntity<?> response) {
    return new String((byte[]) response.getBody(), StandardCharsets.UTF_8);
  }

  @Test
  void forwardsPathQueryAndTheCallersTokenAndReturnsTheAnswerUnchanged() throws Exception {
    ResponseEntity<?> response =
        proxy.forward(get("/api/users/me/jobs", "limit=5", "Bearer token-of-alice"));

    assertThat(response.getStatusCode().value()).isEqualTo(200);
    assertThat(response.getHeaders().getContentType()).hasToString("application/json");
    assertThat(body(response))
        .isEqualTo("{\"path\":\"/api/users/me/jobs?limit=5\",\"status\":200}");
    assertThat(seen.get(0).getRequestHeaders().getFirst("Authorization"))
        .isEqualTo("Bearer token-of-alice");
  }

  @Test
  void theQueryApisErrorsPassThroughWithTheirHeaders() throws Exception {
    ResponseEntity<?> unauthorized = proxy.forward(get("/api/job/j1/state", null, null));
    assertThat(unauthorized.getStatusCode().value()).isEqualTo(401);
    assertThat(seen.get(0).getRequestHeaders().containsKey("Authorization")).isFalse();

    ResponseEntity<?> rebalancing =
        proxy.forward(get("/api/analytics/dau", "days=7", "Bearer analyst"));
    assertThat(rebalancing.getStatusCode().value()).isEqualTo(503);
    assertThat(rebalancing.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(body(rebalancing)).contains("/api/analytics/dau?days=7");
  }

  @Test
  void aStaleAnswerKeepsItsMark() throws Exception {
    // Not about timeouts: a generous one, so a cold HTTP client on a loaded machine passes.
    QueryApiProxyController patient =
        new QueryApiProxyController(
            () -> "http://127.0.0.1:" + upstream.getAddress().getPort() + "/",
            Duration.ofSeconds(30));
    ResponseEntity<?> stale =
        patient.forward(get("/api/job/j1/state", "allowStale=true", "Bearer token-of-alice"));
    assertThat(stale.getStatusCode().value()).isEqualTo(200);
    assertThat(stale.getHeaders().getFirst("X-Regen-Stale")).isEqualTo("true");

    ResponseEntity<?> fresh =
        proxy.forward(get("/api/job/j1/state", null, "Bearer token-of-alice"));
    assertThat(fresh.getHeaders().containsHeader("X-Regen-Stale")).isFalse();
  }

  @Test
  void anUnreachableQueryApiIsA502() throws Exception {
    upstream.stop(0);
    ResponseEntity<?> response = proxy.forward(get("/api/job/j1/state", null, "Bearer t"));
    assertThat(response.getStatusCode().value()).isEqualTo(502);
    assertThat(response.getBody())
        .isEqualTo(new ErrorBody("query_api_unavailable", "the query API is not reachable"));
  }

  @Test
  void aQueryApiSlowerThanTheTimeoutIsA504() throws Exception {
    ResponseEntity<?> response = proxy.forward(get("/api/job/slow/state", null, "Bearer t"));
    assertThat(response.getStatusCode().value()).isEqualTo(504);
    assertThat(response.getBody())
        .isEqualTo(
            new ErrorBody("query_api_timeout", "the query API did not answer within 500 ms"));
  }
}
