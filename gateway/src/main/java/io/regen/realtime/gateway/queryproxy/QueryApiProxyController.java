package io.regen.realtime.gateway.queryproxy;

import io.regen.realtime.auth.ErrorBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the query API's public paths on a gateway that runs without the stream processors, so
 * browsers use one base URL (and no CORS) in every deployment: each request is forwarded to {@code
 * QUERY_API_URL} ({@code regen.gateway.state-url}) with the caller's {@code Authorization} header
 * and query string, and the query API's status, content type and body come back unchanged (its 401,
 * 403, 404 and 503 included: the query API authenticates, not this class), with its {@code
 * Retry-After} and its stale mark ({@code X-Regen-Stale}). An unreachable query API is a 502 {@code
 * query_api_unavailable}, a slow one a 504 {@code query_api_timeout}.
 */
@RestController
public class QueryApiProxyController {
  private static final Logger log = LoggerFactory.getLogger(QueryApiProxyController.class);

  /** The query API's mark of an answer from a standby replica ({@code allowStale=true}). */
  static final String STALE_HEADER = "X-Regen-Stale";

  private final Supplier<String> baseUrl;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param baseUrl the query API's base URL, e.g. {@code http://streams:8082}
   * @param timeout how long one forwarded request may take, response included
   */
  public QueryApiProxyController(Supplier<String> baseUrl, Duration timeout) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * The query API's public paths (see {@code docs/queries.md}); its internal ones stay internal.
   */
  @GetMapping({
    "/api/job/{jobId}/state",
    "/api/job/{jobId}/status",
    "/api/users/me/jobs",
    "/api/users/{userId}/jobs",
    "/api/analytics/**"
  })
  public ResponseEntity<?> forward(HttpServletRequest request) throws InterruptedException {
    String base = baseUrl.get();
    String target =
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
            + request.getRequestURI()
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    HttpRequest.Builder upstream =
        HttpRequest.newBuilder(URI.create(target)).timeout(timeout).GET();
    copy(request, upstream, HttpHeaders.AUTHORIZATION);
    copy(request, upstream, HttpHeaders.ACCEPT);
    HttpResponse<byte[]> response;
    try {
      response = http.send(upstream.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      return error(
          HttpStatus.GATEWAY_TIMEOUT,
          "query_api_timeout",
          "the query API did not answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      log.warn("Query API at {} unreachable: {}", base, e.toString());
      return error(
          HttpStatus.BAD_GATEWAY, "query_api_unavailable", "the query API is not reachable");
    }
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(response.statusCode());
    for (String name : List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER, STALE_HEADER)) {
      response.headers().firstValue(name).ifPresent(v -> answer.header(name, v));
    }
    return answer.body(response.body());
  }

  private static void copy(HttpServletRequest from, HttpRequest.Builder to, String header) {
    String value = from.getHeader(header);
    if (value != null) {
      to.header(header, value);
    }
  }

  private static ResponseEntity<ErrorBody> error(HttpStatus status, String code, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(new ErrorBody(code, message));
  }
}
