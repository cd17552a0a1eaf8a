package io.regen.realtime.gateway.jobs;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@link JobOwnerLookup} over {@code GET <base>/api/job/{jobId}/state}, forwarding the client's own
 * token, so the query API applies its access rules (403 for another user's job, 404 unknown).
 */
public final class HttpJobOwnerLookup implements JobOwnerLookup {
  private final HttpClient client;
  private final Supplier<String> baseUrl;
  private final Duration timeout;
  private final ObjectMapper json;

  public HttpJobOwnerLookup(Supplier<String> baseUrl, Duration timeout, ObjectMapper json) {
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.json = json;
  }

  @Override
  public CompletableFuture<JobOwner> owner(String jobId, String bearerToken) {
    HttpRequest request;
    try {
      String base = baseUrl.get();
      request =
          HttpRequest.newBuilder(
                  URI.create(
                      stripSlash(base)
                          + "/api/job/"
                          + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20")
                          + "/state"))
              .timeout(timeout)
              .header("Authorization", "Bearer " + bearerToken)
              .header("Accept", "application/json")
              .GET()
              .build();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new JobCommandException(
              JobCommandException.INTERNAL, "job state lookup is not configured", 0, e));
    }
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                throw new JobCommandException(
                    JobCommandException.INTERNAL, "job state is unavailable", 0, error);
              }
              return toOwner(jobId, response);
            });
  }

  private JobOwner toOwner(String jobId, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 404) {
      throw new JobCommandException(JobCommandException.NOT_FOUND, "no job " + jobId);
    }
    if (status == 403 || status == 401) {
      throw new JobCommandException(JobCommandException.FORBIDDEN, "not your job");
    }
    if (status != 200) {
      throw new JobCommandException(
          JobCommandException.INTERNAL, "job state is unavailable (HTTP " + status + ")");
    }
    try {
      JsonNode state = json.readTree(response.body());
      JsonNode userId = state.get("userId");
      if (userId == null || !userId.isString()) {
        throw new JobCommandException(JobCommandException.INTERNAL, "job state has no userId");
      }
      JsonNode jobType = state.get("jobType");
      return new JobOwner(
          userId.stringValue(), jobType != null && jobType.isString() ? jobType.stringValue() : "");
    } catch (tools.jackson.core.JacksonException e) {
      throw new JobCommandException(
          JobCommandException.INTERNAL, "job state is not readable", 0, e);
    }
  }

  private static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
