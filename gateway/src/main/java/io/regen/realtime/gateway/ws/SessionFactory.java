package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.Session;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Creates the {@link WebSocketClientSession} of a new connection: its bounded outbound buffer, its
 * frame rate bucket, and the token the handshake carried, over Jetty's native session.
 */
final class SessionFactory {
  private final GatewayProperties props;
  private final Executor writerExecutor;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanos;

  SessionFactory(
      GatewayProperties props,
      Executor writerExecutor,
      GatewayMetrics metrics,
      Clock clock,
      LongSupplier nanos) {
    this.props = props;
    this.writerExecutor = writerExecutor;
    this.metrics = metrics;
    this.clock = clock;
    this.nanos = nanos;
  }

  WebSocketClientSession create(WebSocketSession ws) {
    String address =
        (String) ws.getAttributes().getOrDefault(GatewayHandshakeInterceptor.ADDRESS, "unknown");
    long now = nanos.getAsLong();
    WebSocketClientSession session =
        new WebSocketClientSession(
            UUID.randomUUID().toString(),
            address,
            socketOf(ws),
            writerExecutor,
            metrics,
            props.outboundQueueFrames(),
            props.outboundQueueBytes(),
            new TokenBucket(props.frameBurst(), props.framesPerSecond(), now),
            now,
            clock.instant());
    Object handshakeToken = ws.getAttributes().remove(GatewayHandshakeInterceptor.HANDSHAKE_TOKEN);
    if (handshakeToken instanceof String t) {
      session.handshakeToken(t);
    }
    return session;
  }

  private static FrameSocket socketOf(WebSocketSession ws) {
    if (ws instanceof NativeWebSocketSession nat) {
      Session jetty = nat.getNativeSession(Session.class);
      if (jetty != null) {
        return new JettyFrameSocket(jetty);
      }
    }
    throw new IllegalStateException(
        "The gateway needs Jetty's WebSocket session; got " + ws.getClass().getName());
  }
}
