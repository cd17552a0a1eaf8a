package io.regen.realtime.gateway.replay;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.auth.ErrorBody;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.jobs.JobRecord;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.schemas.LogPosition;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/job/{jobId}/events?fromSeq=0}: a job's history read from the topic, as NDJSON
 * (one event object per line, as in the WebSocket {@code event} frame). Bearer JWT; the job's owner
 * or an analyst. 401 without a valid token, 404 unknown job, 403 another user's job, 503 when the
 * job directory is unavailable, 429 with {@code replay_busy} when the user runs too many reads. A
 * client that stops reading is cut after {@code regen.gateway.replay.write-timeout}. When the job's
 * first event is gone (before the log start), the first line is {@code
 * {"type":"history","truncated":true,...}}.
 */
@RestController
public class JobEventsController {
  private static final Logger log = LoggerFactory.getLogger(JobEventsController.class);
  static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KafkaJobReplay replay;
  private final BearerAuthenticator auth;

  public JobEventsController(KafkaJobReplay replay, BearerAuthenticator auth) {
    this.replay = replay;
    this.auth = auth;
  }

  @GetMapping("/api/job/{jobId}/events")
  public CompletableFuture<ResponseEntity<StreamingResponseBody>> events(
      @PathVariable String jobId,
      @RequestParam(name = "fromSeq", defaultValue = "0") long fromSeq,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AuthenticatedUser user;
    try {
      user = auth.authenticate(authorization);
    } catch (AccessDeniedException e) {
      return CompletableFuture.completedFuture(denied(e));
    }
    // The job look-up may ask the query API over HTTP (in `up`: this server): no Jetty thread
    // waits for it, or enough concurrent histories would hold every thread of the bounded pool
    // while the look-ups they wait for queue behind them.
    return replay
        .authorizeAsync(user, jobId, BearerAuthenticator.tokenOf(authorization))
        .handle(
            (job, error) -> {
              if (error != null) {
                return refused(
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error);
              }
              ReplayAdmission.Permit permit;
              try {
                permit = replay.admit(user.userId());
              } catch (ReplayRefusedException e) {
                return refused(e);
              }
              return history(jobId, fromSeq, job, permit);
            });
  }

  private static ResponseEntity<StreamingResponseBody> denied(AccessDeniedException e) {
    ResponseEntity.BodyBuilder denied = ResponseEntity.status(e.status());
    if (e.kind() == AccessDeniedException.Kind.UNAUTHENTICATED) {
      denied.header(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate());
    }
    return error(denied, e.body());
  }

  private static ResponseEntity<StreamingResponseBody> refused(Throwable cause) {
    if (cause instanceof ReplayRefusedException e) {
      return error(
          ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "1"),
          new ErrorBody(e.code(), e.getMessage()));
    }
    if (cause instanceof AccessDeniedException e) {
      return denied(e);
    }
    if (cause instanceof JobAccessException e) {
      HttpStatus status = e.forbidden() ? HttpStatus.FORBIDDEN : HttpStatus.NOT_FOUND;
      return error(ResponseEntity.status(status), new ErrorBody(e.code(), e.getMessage()));
    }
    if (cause instanceof IllegalStateException e) {
      return error(
          ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE),
          new ErrorBody("unavailable", e.getMessage()));
    }
    log.error("History request failed", cause);
    return error(
        ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR),
        new ErrorBody("internal", "internal error"));
  }

  private ResponseEntity<StreamingResponseBody> history(
      String jobId, long fromSeq, JobRecord job, ReplayAdmission.Permit permit) {
    ServerFrames frames = replay.frames();
    HistoryWriteGuard guard =
        new HistoryWriteGuard(permit, replay.limits().writeTimeout(), replay.timer());
    StreamingResponseBody body =
        rawOut -> {
          if (!guard.start()) {
            throw new IOException("history of job " + jobId + " started after its write timeout");
          }
          OutputStream out = guard.bound(rawOut);
          try {
            replay
                .onReaderPool(
                    () ->
                        replay.read(
                            jobId,
                            job,
                            fromSeq,
                            new KafkaJobReplay.EventSink() {
                              @Override
                              public boolean accept(JobEvent event, LogPosition position) {
                                return writeLine(out, frames.eventObject(event));
                              }

                              @Override
                              public void truncated(LogPosition firstAvailable) {
                                writeLine(out, frames.historyTruncatedLine(jobId, firstAvailable));
                              }
                            }))
                .get(10, TimeUnit.MINUTES);
            out.flush();
          } catch (ExecutionException | TimeoutException e) {
            if (guard.wasCut()) {
              log.info(
                  "History of job {} cut: the client did not read within the write timeout", jobId);
              throw new IOException("history write timed out", e);
            }
            // Ending the body normally would send the terminating chunk: a short history that
            // looks complete. Failing it aborts the response instead.
            log.warn("History of job {} failed: {}", jobId, e.toString());
            throw new IOException("history of job " + jobId + " failed", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("history of job " + jobId + " interrupted");
          } finally {
            guard.end();
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

  // One return type for every outcome: Spring MVC streams a StreamingResponseBody only when the
  // declared type says so.
  private static ResponseEntity<StreamingResponseBody> error(
      ResponseEntity.BodyBuilder response, ErrorBody error) {
    byte[] bytes = JSON.writeValueAsBytes(error);
    return response.contentType(MediaType.APPLICATION_JSON).body(out -> out.write(bytes));
  }
}
