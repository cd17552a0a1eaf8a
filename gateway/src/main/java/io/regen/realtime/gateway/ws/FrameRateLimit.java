package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.util.function.LongSupplier;

/**
 * The per-connection frame rate: each frame takes a token from the session's bucket; a frame
 * without a token is answered {@code rate_limited} (with when to retry), and too many of those in a
 * row close the connection with a policy violation. Runs on the connection's reader thread.
 */
final class FrameRateLimit {
  private final int maxRejectedFrames;
  private final SessionReplies replies;
  private final GatewayMetrics metrics;
  private final LongSupplier nanos;

  FrameRateLimit(
      GatewayProperties props, SessionReplies replies, GatewayMetrics metrics, LongSupplier nanos) {
    this.maxRejectedFrames = props.maxRejectedFrames();
    this.replies = replies;
    this.metrics = metrics;
    this.nanos = nanos;
  }

  /** Whether the frame may be handled; if not, the session has been answered (or is closing). */
  boolean admit(WebSocketClientSession session) {
    long retryAfter = session.frameBucket().tryTake(nanos.getAsLong());
    if (retryAfter <= 0) {
      session.rejectedInARow = 0;
      return true;
    }
    if (++session.rejectedInARow > maxRejectedFrames) {
      session.closeAfterQueued(CloseCode.POLICY, "rate limit exceeded");
      return false;
    }
    metrics.error(ErrorCodes.RATE_LIMITED);
    session.offerControl(replies.frames().rateLimited(null, "too many frames", retryAfter));
    return false;
  }
}
