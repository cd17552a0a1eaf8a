package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ClientFrame;
import io.regen.realtime.gateway.protocol.ClientFrame.InvalidFrameException;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Routes one client text frame: rate limit, parse, authentication first, then by type to the auth
 * flow, the job commands or a pong; an invalid or unknown frame gets an error frame (before
 * authentication: an error and a close). Runs on the connection's reader thread; frames that arrive
 * while the first auth's subscribe is pending are held ({@link WelcomeGate}, at most {@code
 * frame-burst} of them; one more closes with 4008) and routed in order right after the welcome, on
 * the thread that sent it.
 */
final class FrameRouter {
  private static final Logger log = LoggerFactory.getLogger(FrameRouter.class);

  private final ObjectMapper json;
  private final FrameRateLimit rateLimit;
  private final AuthFlow auth;
  private final JobCommandFrames jobs;
  private final SessionReplies replies;
  private final GatewayMetrics metrics;
  private final int maxHeldFrames;
  private volatile Map<String, ClientFrameExtension> extensions = Map.of();

  FrameRouter(
      ObjectMapper json,
      FrameRateLimit rateLimit,
      AuthFlow auth,
      JobCommandFrames jobs,
      SessionReplies replies,
      GatewayMetrics metrics,
      int maxHeldFrames) {
    this.json = json;
    this.maxHeldFrames = maxHeldFrames;
    this.rateLimit = rateLimit;
    this.auth = auth;
    this.jobs = jobs;
    this.replies = replies;
    this.metrics = metrics;
  }

  /** Frame types handled outside the gateway (see {@link ClientFrameExtension}). */
  void extensions(List<ClientFrameExtension> list) {
    Map<String, ClientFrameExtension> byType = new HashMap<>();
    list.forEach(e -> e.frameTypes().forEach(t -> byType.put(t, e)));
    this.extensions = Map.copyOf(byType);
  }

  void onText(WebSocketClientSession session, String text) {
    metrics.frameReceived();
    if (!session.isOpen()) {
      // A close is decided (e.g. the per-user limit after auth): frames pipelined behind it must
      // not run, however fast they arrived.
      return;
    }
    session.frameReceived();
    if (!rateLimit.admit(session)) {
      return;
    }
    switch (session.welcomeGate().hold(text, maxHeldFrames)) {
      case HELD -> {}
      case FULL -> {
        replies.error(session, null, ErrorCodes.RATE_LIMITED, "too many frames before the welcome");
        session.closeAfterQueued(CloseCode.POLICY, "too many frames before the welcome");
      }
      case NOT_PENDING -> handle(session, text);
    }
  }

  private void handle(WebSocketClientSession session, String text) {
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(json, text);
    } catch (InvalidFrameException e) {
      if (!session.isAuthenticated()) {
        replies.failAuth(session, e.id(), ErrorCodes.INVALID_FRAME, e.getMessage());
      } else {
        replies.invalid(session, e.id(), ErrorCodes.INVALID_FRAME, e.getMessage());
      }
      return;
    }
    if (!session.isAuthenticated() && !frame.type().equals("auth")) {
      replies.failAuth(
          session, frame.id(), ErrorCodes.UNAUTHORIZED, "the first frame must be auth");
      return;
    }
    try {
      if (route(session, frame)) {
        session.invalidInARow = 0;
      }
    } catch (InvalidFrameException e) {
      replies.invalid(session, frame.id(), ErrorCodes.INVALID_FRAME, e.getMessage());
    }
  }

  /**
   * Routes the frames held while the session's subscribe was pending, in arrival order, until none
   * is left (then frames are routed as they arrive again). Frames behind a decided close are
   * dropped, as on the reader thread.
   */
  private void releaseHeld(WebSocketClientSession session) {
    String text;
    while ((text = session.welcomeGate().nextHeld()) != null) {
      if (!session.isOpen()) {
        continue;
      }
      try {
        handle(session, text);
      } catch (RuntimeException e) {
        log.error("Unexpected failure handling a frame of session {}", session.sessionId(), e);
        replies.error(session, null, ErrorCodes.INTERNAL, "internal error");
      }
    }
  }

  /** Hands a parsed frame to the room for its type; false when the type is unknown. */
  private boolean route(WebSocketClientSession session, ClientFrame frame) {
    switch (frame.type()) {
      case "auth" -> auth.onAuth(session, frame).thenRun(() -> releaseHeld(session));
      case "start_job" -> jobs.onStartJob(session, frame);
      case "cancel_job" -> jobs.onCancelJob(session, frame);
      case "replay" -> jobs.onReplay(session, frame);
      case "ping" -> session.offerControl(replies.frames().pong(frame.id()));
      default -> {
        ClientFrameExtension extension = extensions.get(frame.type());
        if (extension == null) {
          replies.invalid(
              session, frame.id(), ErrorCodes.UNKNOWN_TYPE, "unknown type " + frame.type());
          return false;
        }
        handleExtension(extension, session, frame);
      }
    }
    return true;
  }

  private void handleExtension(
      ClientFrameExtension extension, WebSocketClientSession session, ClientFrame frame) {
    try {
      extension.handle(session, frame.type(), frame.id(), frame.body());
    } catch (IllegalArgumentException e) {
      throw new InvalidFrameException(frame.id(), e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Frame extension for {} failed", frame.type(), e);
      replies.error(session, frame.id(), ErrorCodes.INTERNAL, "internal error");
    }
  }
}
