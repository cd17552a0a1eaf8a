package io.regen.realtime.gateway.delivery;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.delivery.JobReplay.JobAccessException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/job/{jobId}/events?fromSeq=0}: a job's history read from the topic, as NDJSON
 * (one event object per line, as in the WebSocket {@code event} frame). Bearer JWT; the job's owner
 * or an analyst. 401 without a valid token, 404 unknown job, 403 another user's job, 503 when the
 * job index is unavailable or too many reads are running.
 */
@RestController
public class JobEventsController {
  private static final Logger log = LoggerFactory.getLogger(JobEventsController.class);
  static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

  private final KafkaJobReplay replay;
  private final JwtVerifier verifier;

  public JobEventsController(KafkaJobReplay replay, JwtVerifier verifier) {
    this.replay = replay;
    this.verifier = verifier;
  }

  @GetMapping("/api/job/{jobId}/events")
  public ResponseEntity<StreamingResponseBody> events(
      @PathVariable String jobId,
      @RequestParam(name = "fromSeq", defaultValue = "0") long fromSeq,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    String token = bearer(authorization);
    AuthenticatedUser user;
    try {
      user = verifier.verify(token);
    } catch (InvalidTokenException e) {
      return error(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid bearer token is required");
    }
    JobLocation location;
    try {
      location = replay.authorize(user, jobId, token);
    } catch (JobAccessException e) {
      HttpStatus status =
          "forbidden".equals(e.code()) ? HttpStatus.FORBIDDEN : HttpStatus.NOT_FOUND;
      return error(status, e.code(), e.getMessage());
    } catch (IllegalStateException e) {
      return error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage());
    }
    EventFrameEncoder encoder = replay.encoder();
    StreamingResponseBody body =
        out -> {
          try {
            replay
                .onReaderPool(
                    () ->
                        replay.read(
                            jobId,
                            location,
                            fromSeq,
                            (event, position) -> writeLine(out, encoder.eventObject(event))))
                .get(10, TimeUnit.MINUTES);
            out.flush();
          } catch (ExecutionException | TimeoutException e) {
            log.warn("History of job {} ended early: {}", jobId, e.toString());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    return ResponseEntity.ok().contentType(NDJSON).body(body);
  }

  private static boolean writeLine(OutputStream out, String json) {
    try {
      out.write(json.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      return true;
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e); // the client went away
    }
  }

  private static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : null;
  }

  // One return type for every outcome: Spring MVC streams a StreamingResponseBody only when the
  // declared type says so.
  private static ResponseEntity<StreamingResponseBody> error(
      HttpStatus status, String code, String message) {
    StringBuilder json = new StringBuilder("{\"error\":");
    EventFrameEncoder.string(json, code);
    json.append(",\"message\":");
    EventFrameEncoder.string(json, message == null ? "" : message);
    json.append('}');
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(out -> out.write(bytes));
  }
}
