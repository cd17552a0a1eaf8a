package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ServerFrames;

/**
 * The protocol's replies to a session, counted in the metrics: control frames, error frames, and
 * the closes that follow some of them (a failed authentication, too many invalid frames). Stateless
 * apart from the session's own counters; thread-safe.
 */
final class SessionReplies {
  private final ServerFrames frames;
  private final GatewayMetrics metrics;
  private final int maxInvalidFrames;

  SessionReplies(ServerFrames frames, GatewayMetrics metrics, GatewayProperties props) {
    this.frames = frames;
    this.metrics = metrics;
    this.maxInvalidFrames = props.maxInvalidFrames();
  }

  /** The frame builder, for replies other than errors. */
  ServerFrames frames() {
    return frames;
  }

  /** Sends an error frame. */
  void error(WebSocketClientSession session, String id, String code, String message) {
    metrics.error(code);
    session.offerControl(frames.error(id, code, message));
  }

  /** Sends an error frame, then closes with {@link CloseCode#AUTH_FAILED}. */
  void failAuth(WebSocketClientSession session, String id, String code, String message) {
    error(session, id, code, message);
    session.closeAfterQueued(CloseCode.AUTH_FAILED, "auth failed");
  }

  /** Answers an invalid frame; too many in a row close the connection with a policy violation. */
  void invalid(WebSocketClientSession session, String id, String code, String message) {
    error(session, id, code, message);
    if (++session.invalidInARow > maxInvalidFrames) {
      session.closeAfterQueued(CloseCode.POLICY, "too many invalid frames");
    }
  }
}
