package io.regen.realtime.gateway.jobs;

import io.regen.realtime.gateway.jobs.JobLookupException.Reason;
import io.regen.realtime.schemas.LogPosition;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link JobDirectory} over the job state query API: {@code GET
 * <base>/api/job/{jobId}/state?withResponse=false} (the state without the response text: one store
 * get instead of a get and a range over the job's chunks) with the caller's own bearer token, so
 * the query API applies its access rules. Reads {@code userId}, {@code jobType}, {@code
 * firstPosition} and {@code lastPosition}. 404 is "unknown job"; 401/403 {@link Reason#FORBIDDEN};
 * anything else (503 while the state store starts, I/O errors, an unreadable body) {@link
 * Reason#UNAVAILABLE}.
 */
public final class QueryApiJobDirectory implements JobDirectory {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The directory needs no response text (an older query API ignores the parameter). */
  static final String STATE_WITHOUT_RESPONSE = "/state?withResponse=false";

  private final Supplier<String> baseUrl;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param baseUrl the query API's base URL ({@code regen.gateway.state-url}); a supplier because
   *     the default, this very server, is only known once it listens
   */
  public QueryApiJobDirectory(Supplier<String> baseUrl, Duration timeout) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public CompletableFuture<Optional<JobRecord>> find(String jobId, String bearerToken) {
    HttpRequest request;
    try {
      request = request(jobId, bearerToken);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new JobLookupException(Reason.UNAVAILABLE, "job state lookup is not configured", e));
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                throw new JobLookupException(
                    Reason.UNAVAILABLE, "job state API unreachable: " + error.getMessage(), error);
              }
              return answer(jobId, response);
            });
  }

  private HttpRequest request(String jobId, String bearerToken) {
    String base = baseUrl.get();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String path =
        "/api/job/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path + STATE_WITHOUT_RESPONSE))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET();
    if (bearerToken != null && !bearerToken.isBlank()) {
      request.header("Authorization", "Bearer " + bearerToken);
    }
    return request.build();
  }

  private static Optional<JobRecord> answer(String jobId, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 404) {
      return Optional.empty();
    }
    if (status == 401 || status == 403) {
      throw new JobLookupException(Reason.FORBIDDEN, "not allowed to read job " + jobId);
    }
    if (status != 200) {
      throw new JobLookupException(
          Reason.UNAVAILABLE, "job state API answered " + status + " for job " + jobId);
    }
    try {
      return Optional.of(parse(response.body()));
    } catch (JacksonException | IllegalArgumentException e) {
      throw new JobLookupException(Reason.UNAVAILABLE, "job state is not readable", e);
    }
  }

  /** The record in a {@code /state} answer. */
  static JobRecord parse(String body) {
    JsonNode state = JSON.readTree(body);
    JsonNode userId = state.get("userId");
    if (userId == null || !userId.isString()) {
      throw new IllegalArgumentException("job state has no userId");
    }
    JsonNode jobType = state.get("jobType");
    return new JobRecord(
        userId.stringValue(),
        jobType != null && jobType.isString() ? jobType.stringValue() : "",
        position(state.get("firstPosition")),
        position(state.get("lastPosition")));
  }

  private static LogPosition position(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    return new LogPosition(node.get("partition").asInt(), node.get("offset").asLong());
  }
}
