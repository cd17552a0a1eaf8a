package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Creates the {@link WebSocketClientSession} of a new connection: its bounded outbound buffer, its
 * frame rate bucket, and the token the handshake carried.
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

  /**
   * @param address the client address the handshake was accepted for
   * @param handshakeToken the verified {@code access_token} of the handshake, or null
   */
  WebSocketClientSession create(FrameSocket socket, String address, String handshakeToken) {
    long now = nanos.getAsLong();
    WebSocketClientSession session =
        new WebSocketClientSession(
            UUID.randomUUID().toString(),
            address,
            socket,
            writerExecutor,
            metrics,
            props.outboundQueueFrames(),
            props.outboundQueueBytes(),
            new TokenBucket(props.frameBurst(), props.framesPerSecond(), now),
            now,
            clock.instant());
    if (handshakeToken != null) {
      session.handshakeToken(handshakeToken);
    }
    return session;
  }
}
