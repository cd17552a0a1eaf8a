package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol v1 over raw WebSocket (see docs/protocol.md): adapts a connection's events to the
 * gateway's parts — {@link SessionFactory} and {@link ConnectionLifecycle} for opening and closing,
 * {@link FrameRouter} for frames (rate limit, auth flow, job commands); the timers are {@link
 * SessionSweeper}'s. Never throws into the container: every failure becomes an error frame or a
 * close with a protocol close code. Jetty calls it through {@link GatewaySocket} (one per
 * connection), which {@link GatewayUpgradeCreator} creates for an accepted handshake.
 *
 * <p>Threads: messages of one connection arrive one at a time on Jetty threads, which no handler
 * parks; replies are queued on the session and written asynchronously; a subscribe's outcome (the
 * welcome) is sent from the gateway's subscribe threads, Kafka and HTTP completions reply from
 * client threads.
 */
public final class GatewayWebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);

  private final SessionFactory sessions;
  private final ConnectionLifecycle lifecycle;
  private final FrameRouter router;
  private final SessionReplies replies;
  private final GatewayMetrics metrics;

  GatewayWebSocketHandler(
      SessionFactory sessions,
      ConnectionLifecycle lifecycle,
      FrameRouter router,
      SessionReplies replies,
      GatewayMetrics metrics) {
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.router = router;
    this.replies = replies;
    this.metrics = metrics;
  }

  /** Adds frame types handled outside the gateway (see {@link ClientFrameExtension}). */
  public void extensions(List<ClientFrameExtension> list) {
    router.extensions(list);
  }

  /** A connection is open: its session, registered (or closed at once over a limit). */
  WebSocketClientSession opened(FrameSocket socket, String address, String handshakeToken) {
    WebSocketClientSession session = sessions.create(socket, address, handshakeToken);
    lifecycle.opened(session);
    return session;
  }

  void closed(WebSocketClientSession session, int closeCode) {
    metrics.closed(closeCode);
    if (session != null) {
      lifecycle.closed(session, closeCode);
    }
  }

  void text(WebSocketClientSession session, String text) {
    try {
      router.onText(session, text);
    } catch (RuntimeException e) {
      log.error("Unexpected failure handling a frame of session {}", session.sessionId(), e);
      replies.error(session, null, ErrorCodes.INTERNAL, "internal error");
    }
  }

  void transportError(Throwable error) {
    log.debug("WebSocket transport error: {}", error.toString());
  }
}
