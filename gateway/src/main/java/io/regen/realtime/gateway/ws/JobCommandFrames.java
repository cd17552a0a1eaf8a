package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.jobs.JobCommandException;
import io.regen.realtime.gateway.jobs.JobCommands;
import io.regen.realtime.gateway.jobs.StartJob;
import io.regen.realtime.gateway.jobs.StartJobParser;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ClientFrame;
import io.regen.realtime.gateway.protocol.ClientFrame.InvalidFrameException;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import io.regen.realtime.gateway.replay.JobAccessException;
import io.regen.realtime.gateway.replay.JobReplay;
import io.regen.realtime.gateway.replay.ReplayRefusedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job frames of an authenticated session — {@code start_job}, {@code cancel_job}, {@code
 * replay} — and the mapping of their outcomes to {@code ack} and error frames. Validation failures
 * throw {@link InvalidFrameException} (an {@code invalid_frame} error); everything else is answered
 * when the command completes, on the completing thread.
 */
final class JobCommandFrames {
  private static final Logger log = LoggerFactory.getLogger(JobCommandFrames.class);
  private static final int MAX_ID = 128;

  private final JobCommands commands;
  private final StartJobParser startJobParser;
  private final JobReplay replay;
  private final SessionReplies replies;
  private final GatewayMetrics metrics;
  private final AtomicLong replayIds = new AtomicLong();

  /**
   * @param replay may be null: replay frames are then answered {@code internal}
   */
  JobCommandFrames(
      JobCommands commands,
      StartJobParser startJobParser,
      JobReplay replay,
      SessionReplies replies,
      GatewayMetrics metrics) {
    this.commands = commands;
    this.startJobParser = startJobParser;
    this.replay = replay;
    this.replies = replies;
    this.metrics = metrics;
  }

  void onStartJob(WebSocketClientSession session, ClientFrame frame) {
    StartJob start;
    try {
      start = startJobParser.parse(frame.body());
    } catch (JobCommandException e) {
      throw new InvalidFrameException(frame.id(), e.getMessage());
    }
    reply(session, frame.id(), commands.start(session.user(), start));
  }

  void onCancelJob(WebSocketClientSession session, ClientFrame frame) {
    String jobId = jobId(frame);
    reply(session, frame.id(), commands.cancel(session.user(), session.accessToken(), jobId));
  }

  void onReplay(WebSocketClientSession session, ClientFrame frame) {
    String jobId = jobId(frame);
    long fromSeq = frame.optionalNonNegativeLong("fromSeq");
    if (replay == null) {
      replies.error(session, frame.id(), ErrorCodes.INTERNAL, "replay is not available");
      return;
    }
    String replayId = frame.id() != null ? frame.id() : "replay-" + replayIds.incrementAndGet();
    CompletableFuture<Long> started;
    try {
      started = replay.replay(session, session.user(), replayId, jobId, fromSeq);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete(
        (count, error) -> {
          if (error == null) {
            return;
          }
          Throwable cause = unwrap(error);
          if (cause instanceof JobAccessException access) {
            replies.error(session, frame.id(), access.code(), access.getMessage());
          } else if (cause instanceof ReplayRefusedException refused) {
            replies.error(session, frame.id(), refused.code(), refused.getMessage());
          } else {
            log.warn("Replay of job {} failed", jobId, cause);
            replies.error(session, frame.id(), ErrorCodes.INTERNAL, "replay failed");
          }
        });
  }

  private static String jobId(ClientFrame frame) {
    String jobId = frame.requiredString("jobId", MAX_ID);
    if (!JobCommands.isValidJobId(jobId)) {
      throw new InvalidFrameException(frame.id(), "jobId is not a valid job id");
    }
    return jobId;
  }

  private void reply(WebSocketClientSession session, String id, CompletableFuture<String> result) {
    result.whenComplete(
        (jobId, error) -> {
          if (error == null) {
            session.offerControl(replies.frames().ack(id, jobId));
            return;
          }
          Throwable cause = unwrap(error);
          if (cause instanceof JobCommandException e) {
            if (e.code().equals(JobCommandException.RATE_LIMITED)) {
              metrics.error(ErrorCodes.RATE_LIMITED);
              session.offerControl(
                  replies.frames().rateLimited(id, e.getMessage(), e.retryAfterMs()));
            } else {
              if (e.code().equals(JobCommandException.INTERNAL)) {
                log.warn("Job command failed: {}", e.getMessage(), e.getCause());
              }
              replies.error(session, id, e.code(), e.getMessage());
            }
          } else {
            log.error("Job command failed", cause);
            replies.error(session, id, ErrorCodes.INTERNAL, "internal error");
          }
        });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
