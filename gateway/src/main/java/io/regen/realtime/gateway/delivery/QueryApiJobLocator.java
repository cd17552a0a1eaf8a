package io.regen.realtime.gateway.delivery;

import io.regen.realtime.gateway.delivery.JobReplay.JobAccessException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the job state query API where a job starts: {@code GET {stateUrl}/api/job/{jobId}/state}
 * with the caller's bearer token, reading {@code userId}, {@code firstPosition.partition/offset}
 * and {@code lastPosition}. 404 is "unknown job"; 401/403 is {@code forbidden}; anything else (503
 * while the state store starts, I/O errors) is an {@link IllegalStateException}.
 */
public final class QueryApiJobLocator implements JobLocator {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Supplier<String> baseUrl;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param baseUrl the query API's base URL ({@code regen.gateway.state-url}); a supplier because
   *     the default, this very server, is only known once it listens
   */
  public QueryApiJobLocator(Supplier<String> baseUrl, Duration timeout) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public Optional<JobLocation> locate(String jobId, String bearerToken) {
    String base = baseUrl.get();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI uri =
        URI.create(
            base
                + "/api/job/"
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/state");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    if (bearerToken != null && !bearerToken.isBlank()) {
      request.header("Authorization", "Bearer " + bearerToken);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("job state API unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    int status = response.statusCode();
    if (status == 404) {
      return Optional.empty();
    }
    if (status == 401 || status == 403) {
      throw new JobAccessException("forbidden", "not allowed to read job " + jobId);
    }
    if (status != 200) {
      throw new IllegalStateException("job state API answered " + status + " for job " + jobId);
    }
    return parse(response.body());
  }

  static Optional<JobLocation> parse(String body) {
    JsonNode state = JSON.readTree(body);
    JsonNode userId = state.get("userId");
    JsonNode first = state.get("firstPosition");
    if (userId == null || !userId.isString() || first == null || !first.isObject()) {
      return Optional.empty(); // known, but no event of it is on the topic yet
    }
    int partition = first.get("partition").asInt();
    long firstOffset = first.get("offset").asLong();
    long lastOffset = -1;
    JsonNode last = state.get("lastPosition");
    if (last != null && last.isObject() && last.get("partition").asInt() == partition) {
      lastOffset = last.get("offset").asLong();
    }
    return Optional.of(new JobLocation(userId.asString(), partition, firstOffset, lastOffset));
  }
}
