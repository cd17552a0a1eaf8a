package io.regen.realtime.gateway.jobs;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.http.BearerAuth;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/jobs} (Bearer JWT): the REST twin of the {@code start_job} frame, with the same
 * validation, per-user rate and idempotency. 200 {@code {"jobId":...}}; 400 invalid body; 401
 * missing or invalid token; 429 rate limited (Retry-After); 500 when the request could not be
 * queued. Errors are {@code {"error":"<code>","message":"..."}}.
 */
@RestController
public class JobsController {
  private final JobCommands commands;
  private final BearerAuth auth;
  private final StartJobParser parser;
  private final ObjectMapper json;

  public JobsController(
      JobCommands commands, BearerAuth auth, StartJobParser parser, ObjectMapper json) {
    this.commands = commands;
    this.auth = auth;
    this.parser = parser;
    this.json = json;
  }

  @PostMapping(path = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
  public CompletableFuture<ResponseEntity<Map<String, Object>>> startJob(
      HttpServletRequest request, @RequestBody(required = false) String body) {
    // 401 via the gateway's HttpErrorAdvice
    AuthenticatedUser user = auth.require(request);
    StartJob start;
    try {
      JsonNode node = json.readTree(body == null ? "" : body);
      start = parser.parse(node);
    } catch (JacksonException e) {
      return CompletableFuture.completedFuture(
          error(HttpStatus.BAD_REQUEST, "invalid_request", "body is not valid JSON"));
    } catch (JobCommandException e) {
      return CompletableFuture.completedFuture(
          error(HttpStatus.BAD_REQUEST, "invalid_request", e.getMessage()));
    }
    return commands
        .start(user, start)
        .handle(
            (jobId, failure) -> {
              if (failure == null) {
                return ResponseEntity.ok(Map.<String, Object>of("jobId", jobId));
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof JobCommandException e
                  && e.code().equals(JobCommandException.RATE_LIMITED)) {
                long seconds = Math.max(1, (e.retryAfterMs() + 999) / 1000);
                return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                    .body(
                        Map.<String, Object>of(
                            "error",
                            "rate_limited",
                            "message",
                            e.getMessage(),
                            "retryAfterMs",
                            e.retryAfterMs()));
              }
              return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "could not queue the job");
            });
  }

  private static ResponseEntity<Map<String, Object>> error(
      HttpStatus status, String code, String message) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", code, "message", message));
  }
}
