package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's bookkeeping when it opens (registered, counted against the per-address limit) and
 * when it closes (unregistered, unsubscribed from delivery or its pending subscribe cancelled,
 * listeners told how long it lasted).
 */
final class ConnectionLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLifecycle.class);

  private final int maxConnectionsPerIp;
  private final SessionRegistry registry;
  private final EventDelivery delivery;
  private final SessionListeners listeners;
  private final SessionReplies replies;
  private final GatewayMetrics metrics;
  private final Clock clock;

  ConnectionLifecycle(
      GatewayProperties props,
      SessionRegistry registry,
      EventDelivery delivery,
      SessionListeners listeners,
      SessionReplies replies,
      GatewayMetrics metrics,
      Clock clock) {
    this.maxConnectionsPerIp = props.maxConnectionsPerIp();
    this.registry = registry;
    this.delivery = delivery;
    this.listeners = listeners;
    this.replies = replies;
    this.metrics = metrics;
    this.clock = clock;
  }

  void opened(WebSocketClientSession session) {
    if (!registry.add(session, maxConnectionsPerIp)) {
      metrics.handshakeRejected("address_limit");
      session.offerControl(
          replies
              .frames()
              .error(null, ErrorCodes.FORBIDDEN, "too many connections from this address"));
      session.closeAfterQueued(CloseCode.POLICY, "too many connections");
    }
  }

  void closed(WebSocketClientSession session, int closeCode) {
    session.markClosed();
    AuthenticatedUser user = session.user();
    registry.remove(session, user == null ? null : user.userId());
    if (user == null) {
      return;
    }
    // Under the welcome gate: a subscribe still pending is cancelled, and one that completes
    // later is undone rather than started (no subscription left, no "started" after "ended").
    session.welcomeGate().end(() -> endAuthenticated(session, closeCode));
  }

  private void endAuthenticated(WebSocketClientSession session, int closeCode) {
    try {
      delivery.unsubscribe(session);
    } catch (RuntimeException e) {
      log.warn("Delivery unsubscribe failed for session {}", session.sessionId(), e);
    }
    Instant started = session.authenticatedAt();
    Duration duration =
        started == null ? Duration.ZERO : Duration.between(started, clock.instant());
    listeners.ended(session, duration, closeCode);
  }
}
