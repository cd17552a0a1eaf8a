package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of every connection, checked in one sweep on the gateway's timer thread ({@link
 * GatewayTimers}): auth timeout ({@link CloseCode#AUTH_FAILED}), token expiry warning and close
 * ({@link CloseCode#TOKEN_EXPIRED}), heartbeat pings and overdue pongs ({@link CloseCode#POLICY}),
 * and closes whose close frame never got out (dropped).
 */
public final class SessionSweeper {
  /**
   * How long a close may wait for its close frame to be written before the connection is dropped: a
   * client that stopped reading never takes it, and would otherwise hold its slot until the idle
   * timeout.
   */
  static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);

  private final GatewayProperties props;
  private final SessionRegistry registry;
  private final SessionReplies replies;
  private final Clock clock;
  private final LongSupplier nanos;

  SessionSweeper(
      GatewayProperties props,
      SessionRegistry registry,
      SessionReplies replies,
      Clock clock,
      LongSupplier nanos) {
    this.props = props;
    this.registry = registry;
    this.replies = replies;
    this.clock = clock;
    this.nanos = nanos;
  }

  /** Checks every session's timers once. */
  public void sweep() {
    long now = nanos.getAsLong();
    Instant wallNow = clock.instant();
    for (WebSocketClientSession session : registry.all()) {
      try {
        sweep(session, now, wallNow);
      } catch (RuntimeException e) {
        log.warn("Sweep failed for session {}", session.sessionId(), e);
      }
    }
  }

  /**
   * Drains the node (shutdown): refuses new handshakes, then closes every connection with {@link
   * CloseCode#RECONNECT_NOW} so clients reconnect at once with their cursors, elsewhere or to this
   * node's successor.
   */
  public void closeAll() {
    registry.startDraining();
    for (WebSocketClientSession session : registry.all()) {
      session.close(CloseCode.RECONNECT_NOW, "server draining: reconnect now");
    }
  }

  private void sweep(WebSocketClientSession session, long now, Instant wallNow) {
    if (session.closeOverdue(now, CLOSE_GRACE_NANOS)) {
      session.disconnect();
      return;
    }
    if (session.closeStarted()) {
      return;
    }
    AuthenticatedUser user = session.user();
    if (user == null) {
      if (!session.anyFrameReceived()
          && now - session.openedAtNanos() > props.authTimeout().toNanos()) {
        replies.failAuth(session, null, ErrorCodes.UNAUTHORIZED, "no auth frame in time");
      }
      return;
    }
    long msLeft = user.expiresAt().toEpochMilli() - wallNow.toEpochMilli();
    if (msLeft <= 0) {
      replies.error(session, null, ErrorCodes.UNAUTHORIZED, "token expired");
      session.closeAfterQueued(CloseCode.TOKEN_EXPIRED, "token expired");
      return;
    }
    if (!session.expiryWarned() && msLeft <= props.tokenExpiringLead().toMillis()) {
      session.markExpiryWarned();
      session.offerControl(replies.frames().tokenExpiring(msLeft));
    }
    if (session.pongOverdue(now, props.pongTimeout().toNanos())) {
      session.closeAfterQueued(CloseCode.POLICY, "no pong");
      return;
    }
    session.pingIfDue(now, props.heartbeat().toNanos());
  }
}
