package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Protocol v1 over raw WebSocket (see docs/protocol.md), as Spring's handler: it adapts the
 * container's callbacks to the gateway's parts — {@link SessionFactory} and {@link
 * ConnectionLifecycle} for opening and closing, {@link FrameRouter} for frames (rate limit, auth
 * flow, job commands); the timers are {@link SessionSweeper}'s. Never throws into the container:
 * every failure becomes an error frame or a close with a protocol close code.
 *
 * <p>Threads: messages of one connection arrive one at a time on Jetty threads, which no handler
 * parks; replies are queued on the session and written asynchronously; a subscribe's outcome (the
 * welcome) is sent from the gateway's subscribe threads, Kafka and HTTP completions reply from
 * client threads.
 */
public final class GatewayWebSocketHandler extends AbstractWebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);
  private static final String SESSION = "regen.session";

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

  @Override
  public void afterConnectionEstablished(WebSocketSession ws) {
    WebSocketClientSession session = sessions.create(ws);
    ws.getAttributes().put(SESSION, session);
    lifecycle.opened(session);
  }

  @Override
  public void afterConnectionClosed(WebSocketSession ws, CloseStatus status) {
    metrics.closed(status.getCode());
    WebSocketClientSession session = sessionOf(ws);
    if (session != null) {
      lifecycle.closed(session, status.getCode());
    }
  }

  @Override
  public void handleTransportError(WebSocketSession ws, Throwable exception) {
    log.debug("WebSocket transport error: {}", exception.toString());
  }

  @Override
  protected void handlePongMessage(WebSocketSession ws, PongMessage message) {
    WebSocketClientSession session = sessionOf(ws);
    if (session != null) {
      session.alive();
    }
  }

  @Override
  protected void handleTextMessage(WebSocketSession ws, TextMessage message) {
    WebSocketClientSession session = sessionOf(ws);
    if (session == null) {
      return;
    }
    try {
      router.onText(session, message.getPayload());
    } catch (RuntimeException e) {
      log.error("Unexpected failure handling a frame of session {}", session.sessionId(), e);
      replies.error(session, null, ErrorCodes.INTERNAL, "internal error");
    }
  }

  private static WebSocketClientSession sessionOf(WebSocketSession ws) {
    return (WebSocketClientSession) ws.getAttributes().get(SESSION);
  }
}
