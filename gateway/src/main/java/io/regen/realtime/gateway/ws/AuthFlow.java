package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.delivery.DeliveryUnavailableException;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.ClientFrame;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ErrorCodes;
import java.time.Clock;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code auth} frame: the first one authenticates the connection (token from the frame, or from
 * the handshake), enforces the per-user connection limit, subscribes to delivery from the client's
 * cursor and sends the welcome; a later one refreshes the token of the same user (another user's
 * token closes the connection). Runs on the connection's reader thread, which it never parks: the
 * subscribe's broker look-ups complete later, and its outcome (welcome, or {@code unavailable} /
 * {@code internal} and a close) is sent from the gateway's subscribe executor. Frames arriving
 * meanwhile wait in the session's {@link WelcomeGate}; the returned future completes once they may
 * be routed.
 */
final class AuthFlow {
  private static final Logger log = LoggerFactory.getLogger(AuthFlow.class);
  private static final int MAX_TOKEN = 16 * 1024;
  private static final int MAX_CURSOR = 256;

  private final GatewayProperties props;
  private final JwtVerifier verifier;
  private final EventDelivery delivery;
  private final SessionRegistry registry;
  private final SessionListeners listeners;
  private final SessionReplies replies;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final Executor subscribeExecutor;

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * @param subscribeExecutor where a subscribe's outcome is sent: not the Kafka client thread that
   *     completes the look-ups, since listeners and held frames run after the welcome
   */
  AuthFlow(
      GatewayProperties props,
      JwtVerifier verifier,
      EventDelivery delivery,
      SessionRegistry registry,
      SessionListeners listeners,
      SessionReplies replies,
      GatewayMetrics metrics,
      Clock clock,
      Executor subscribeExecutor) {
    this.props = props;
    this.verifier = verifier;
    this.delivery = delivery;
    this.registry = registry;
    this.listeners = listeners;
    this.replies = replies;
    this.metrics = metrics;
    this.clock = clock;
    this.subscribeExecutor = subscribeExecutor;
  }

  /**
   * Handles an {@code auth} frame; the future completes (never exceptionally) when its outcome is
   * queued to the client: at once, except for a first auth whose subscribe is under way.
   */
  CompletableFuture<Void> onAuth(WebSocketClientSession session, ClientFrame frame) {
    String token = frame.optionalString("token", MAX_TOKEN);
    if (token == null && !session.isAuthenticated()) {
      token = session.handshakeToken();
    }
    String cursor = frame.optionalString("cursor", MAX_CURSOR);
    AuthenticatedUser user;
    try {
      user = verifier.verify(token);
    } catch (InvalidTokenException e) {
      if (session.isAuthenticated()) {
        // A failed refresh leaves the current token in force until its own expiry.
        replies.error(session, frame.id(), ErrorCodes.UNAUTHORIZED, e.getMessage());
      } else {
        replies.failAuth(session, frame.id(), ErrorCodes.UNAUTHORIZED, e.getMessage());
      }
      return DONE;
    }
    if (session.isAuthenticated()) {
      reauth(session, frame, user, token);
      return DONE;
    }
    return welcome(session, user, token, cursor);
  }

  private void reauth(
      WebSocketClientSession session, ClientFrame frame, AuthenticatedUser user, String token) {
    if (!user.userId().equals(session.userId())) {
      replies.error(session, frame.id(), ErrorCodes.FORBIDDEN, "token is for another user");
      session.closeAfterQueued(CloseCode.FORBIDDEN, "user switch");
      return;
    }
    session.authenticate(user, token, session.authenticatedAt());
    session.offerControl(replies.frames().reauthed(frame.id(), user.expiresAt().toEpochMilli()));
  }

  private CompletableFuture<Void> welcome(
      WebSocketClientSession session, AuthenticatedUser user, String token, String cursor) {
    session.authenticate(user, token, clock.instant());
    if (!registry.addUser(user.userId(), props.maxConnectionsPerUser())) {
      metrics.handshakeRejected("user_limit");
      replies.error(session, null, ErrorCodes.FORBIDDEN, "too many connections for this user");
      session.closeAfterQueued(CloseCode.POLICY, "too many connections");
      return DONE;
    }
    session.welcomeGate().subscribing();
    CompletableFuture<EventDelivery.Subscription> subscribing;
    try {
      subscribing = delivery.subscribeAsync(session, cursor);
    } catch (RuntimeException e) {
      subscribing = CompletableFuture.failedFuture(e);
    }
    return subscribing
        .handleAsync(
            (subscription, error) -> {
              if (error != null) {
                failed(session, unwrap(error));
              } else {
                started(session, user, subscription);
              }
              return (Void) null;
            },
            subscribeExecutor)
        .exceptionally(
            error -> {
              // The executor refused (shutting down) or the outcome itself failed.
              failed(session, unwrap(error));
              return null;
            });
  }

  private void started(
      WebSocketClientSession session,
      AuthenticatedUser user,
      EventDelivery.Subscription subscription) {
    boolean started =
        session
            .welcomeGate()
            .start(
                () -> {
                  session.subscription(subscription);
                  session.offerControl(
                      replies
                          .frames()
                          .welcome(
                              user.userId(),
                              session.sessionId(),
                              subscription.latestCursor(),
                              subscription.resumed(),
                              props.heartbeat().toMillis()));
                  subscription.start();
                  listeners.started(session);
                });
    if (!started) {
      // Closed while the subscribe was pending: release what it registered.
      delivery.unsubscribe(session);
    }
  }

  private void failed(WebSocketClientSession session, Throwable cause) {
    session.welcomeGate().fail();
    if (cause instanceof CancellationException) {
      return; // the connection closed while its subscribe was pending: nobody to tell
    }
    if (cause instanceof DeliveryUnavailableException e) {
      // Retryable (a leader change, a lost broker): the client backs off and reconnects.
      log.warn(
          "Delivery subscribe unavailable for session {}: {}", session.sessionId(), e.getMessage());
      session.offerControl(
          replies.frames().unavailable(null, "delivery unavailable, try again", e.retryAfterMs()));
      session.closeAfterQueued(CloseCode.SERVER_ERROR, "delivery unavailable");
      return;
    }
    log.error("Delivery subscribe failed for session {}", session.sessionId(), cause);
    replies.error(session, null, ErrorCodes.INTERNAL, "delivery unavailable");
    session.closeAfterQueued(CloseCode.SERVER_ERROR, "delivery unavailable");
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
