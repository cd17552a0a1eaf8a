package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.delivery.JobReplay;
import io.regen.realtime.gateway.extension.ClientFrameExtension;
import io.regen.realtime.gateway.jobs.JobCommandException;
import io.regen.realtime.gateway.jobs.JobCommands;
import io.regen.realtime.gateway.jobs.StartJob;
import io.regen.realtime.gateway.jobs.StartJobParser;
import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * Protocol v1 over raw WebSocket (see docs/protocol.md): authentication, job commands, replay,
 * ping, error frames, limits and timers. Never throws into the container: every failure becomes an
 * error frame or a close with a protocol close code.
 *
 * <p>Threads: messages of one connection arrive one at a time on Jetty threads; replies are queued
 * on the session and written asynchronously; Kafka and HTTP completions reply from client threads;
 * {@link #sweep} runs on the gateway's timer thread.
 */
public final class GatewayWebSocketHandler extends AbstractWebSocketHandler {
  /**
   * How long a close may wait for its close frame to be written before the connection is dropped: a
   * client that stopped reading never takes it, and would otherwise hold its slot until the idle
   * timeout.
   */
  static final long CLOSE_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);
  private static final String SESSION = "regen.session";
  private static final int MAX_ID = 128;
  private static final int MAX_CURSOR = 256;

  private final GatewayProperties props;
  private final JwtVerifier verifier;
  private final EventDelivery delivery;
  private final JobReplay replay;
  private final JobCommands commands;
  private final StartJobParser startJobParser;
  private final SessionRegistry registry;
  private final List<SessionListener> listeners;
  private final GatewayMetrics metrics;
  private final ObjectMapper json;
  private final ServerFrames frames;
  private final Executor writerExecutor;
  private final Clock clock;
  private final LongSupplier nanos;
  private final AtomicLong replayIds = new AtomicLong();
  private volatile Map<String, ClientFrameExtension> extensions = Map.of();

  public GatewayWebSocketHandler(
      GatewayProperties props,
      JwtVerifier verifier,
      EventDelivery delivery,
      JobReplay replay,
      JobCommands commands,
      SessionRegistry registry,
      List<SessionListener> listeners,
      GatewayMetrics metrics,
      ObjectMapper json,
      Executor writerExecutor,
      Clock clock,
      LongSupplier nanos) {
    this.props = props;
    this.verifier = verifier;
    this.delivery = delivery;
    this.replay = replay;
    this.commands = commands;
    this.startJobParser = new StartJobParser(props.maxInputBytes(), props.maxInputEntries());
    this.registry = registry;
    this.listeners = List.copyOf(listeners);
    this.metrics = metrics;
    this.json = json;
    this.frames = new ServerFrames(json);
    this.writerExecutor = writerExecutor;
    this.clock = clock;
    this.nanos = nanos;
  }

  /** Adds frame types handled outside the gateway (see {@link ClientFrameExtension}). */
  public void extensions(List<ClientFrameExtension> list) {
    Map<String, ClientFrameExtension> byType = new java.util.HashMap<>();
    list.forEach(e -> e.frameTypes().forEach(t -> byType.put(t, e)));
    this.extensions = Map.copyOf(byType);
  }

  // --- connection lifecycle ---

  @Override
  public void afterConnectionEstablished(WebSocketSession ws) {
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
    ws.getAttributes().put(SESSION, session);
    if (!registry.add(session, props.maxConnectionsPerIp())) {
      metrics.handshakeRejected("address_limit");
      session.offerControl(
          frames.error(null, ErrorCodes.FORBIDDEN, "too many connections from this address"));
      session.closeAfterQueued(CloseCodes.POLICY, "too many connections");
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession ws, CloseStatus status) {
    WebSocketClientSession session = sessionOf(ws);
    metrics.closed(status.getCode());
    if (session == null) {
      return;
    }
    session.markClosed();
    AuthenticatedUser user = session.user();
    registry.remove(session, user == null ? null : user.userId());
    if (user == null) {
      return;
    }
    try {
      delivery.unsubscribe(session);
    } catch (RuntimeException e) {
      log.warn("Delivery unsubscribe failed for session {}", session.sessionId(), e);
    }
    Instant started = session.authenticatedAt();
    Duration duration =
        started == null ? Duration.ZERO : Duration.between(started, clock.instant());
    for (SessionListener listener : listeners) {
      try {
        listener.ended(session, duration, status.getCode());
      } catch (RuntimeException e) {
        metrics.listenerFailure(listener.getClass().getSimpleName());
      }
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
      onText(session, message.getPayload());
    } catch (RuntimeException e) {
      log.error("Unexpected failure handling a frame of session {}", session.sessionId(), e);
      sendError(session, null, ErrorCodes.INTERNAL, "internal error");
    }
  }

  // --- frames ---

  private void onText(WebSocketClientSession session, String text) {
    metrics.frameReceived();
    session.frameReceived();
    long retryAfter = session.frameBucket().tryTake(nanos.getAsLong());
    if (retryAfter > 0) {
      if (++session.rejectedInARow > props.maxRejectedFrames()) {
        session.closeAfterQueued(CloseCodes.POLICY, "rate limit exceeded");
        return;
      }
      metrics.error(ErrorCodes.RATE_LIMITED);
      session.offerControl(frames.rateLimited(null, "too many frames", retryAfter));
      return;
    }
    session.rejectedInARow = 0;

    ClientFrame frame;
    try {
      frame = ClientFrame.parse(json, text);
    } catch (ClientFrame.InvalidFrameException e) {
      if (!session.isAuthenticated()) {
        failAuth(session, e.id(), ErrorCodes.INVALID_FRAME, e.getMessage());
      } else {
        invalid(session, e.id(), ErrorCodes.INVALID_FRAME, e.getMessage());
      }
      return;
    }
    if (!session.isAuthenticated() && !frame.type().equals("auth")) {
      failAuth(session, frame.id(), ErrorCodes.UNAUTHORIZED, "the first frame must be auth");
      return;
    }
    try {
      switch (frame.type()) {
        case "auth" -> onAuth(session, frame);
        case "start_job" -> onStartJob(session, frame);
        case "cancel_job" -> onCancelJob(session, frame);
        case "replay" -> onReplay(session, frame);
        case "ping" -> session.offerControl(frames.pong(frame.id()));
        default -> {
          ClientFrameExtension extension = extensions.get(frame.type());
          if (extension == null) {
            invalid(session, frame.id(), ErrorCodes.UNKNOWN_TYPE, "unknown type " + frame.type());
            return;
          }
          try {
            extension.handle(session, frame.type(), frame.id(), frame.body());
          } catch (IllegalArgumentException e) {
            throw new ClientFrame.InvalidFrameException(frame.id(), e.getMessage());
          }
        }
      }
      session.invalidInARow = 0;
    } catch (ClientFrame.InvalidFrameException e) {
      invalid(session, frame.id(), ErrorCodes.INVALID_FRAME, e.getMessage());
    }
  }

  private void onAuth(WebSocketClientSession session, ClientFrame frame) {
    String token = frame.optionalString("token", 16 * 1024);
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
        sendError(session, frame.id(), ErrorCodes.UNAUTHORIZED, e.getMessage());
      } else {
        failAuth(session, frame.id(), ErrorCodes.UNAUTHORIZED, e.getMessage());
      }
      return;
    }
    if (session.isAuthenticated()) {
      reauth(session, frame, user, token);
    } else {
      welcome(session, user, token, cursor);
    }
  }

  private void reauth(
      WebSocketClientSession session, ClientFrame frame, AuthenticatedUser user, String token) {
    if (!user.userId().equals(session.userId())) {
      sendError(session, frame.id(), ErrorCodes.FORBIDDEN, "token is for another user");
      session.closeAfterQueued(CloseCodes.FORBIDDEN, "user switch");
      return;
    }
    session.authenticate(user, token, session.authenticatedAt());
    session.offerControl(frames.reauthed(frame.id(), user.expiresAt().toEpochMilli()));
  }

  private void welcome(
      WebSocketClientSession session, AuthenticatedUser user, String token, String cursor) {
    session.authenticate(user, token, clock.instant());
    if (!registry.addUser(user.userId(), props.maxConnectionsPerUser())) {
      metrics.handshakeRejected("user_limit");
      sendError(session, null, ErrorCodes.FORBIDDEN, "too many connections for this user");
      session.closeAfterQueued(CloseCodes.POLICY, "too many connections");
      return;
    }
    EventDelivery.Subscription subscription;
    try {
      subscription = delivery.subscribe(session, cursor);
    } catch (RuntimeException e) {
      log.error("Delivery subscribe failed for session {}", session.sessionId(), e);
      sendError(session, null, ErrorCodes.INTERNAL, "delivery unavailable");
      session.closeAfterQueued(CloseCodes.SERVER_ERROR, "delivery unavailable");
      return;
    }
    session.subscription(subscription);
    session.offerControl(
        frames.welcome(
            user.userId(),
            session.sessionId(),
            subscription.latestCursor(),
            subscription.resumed(),
            props.heartbeat().toMillis()));
    subscription.start();
    for (SessionListener listener : listeners) {
      try {
        listener.started(session);
      } catch (RuntimeException e) {
        metrics.listenerFailure(listener.getClass().getSimpleName());
      }
    }
  }

  private void onStartJob(WebSocketClientSession session, ClientFrame frame) {
    StartJob start;
    try {
      start = startJobParser.parse(frame.body());
    } catch (JobCommandException e) {
      throw new ClientFrame.InvalidFrameException(frame.id(), e.getMessage());
    }
    reply(session, frame.id(), commands.start(session.user(), start));
  }

  private void onCancelJob(WebSocketClientSession session, ClientFrame frame) {
    String jobId = frame.requiredString("jobId", MAX_ID);
    if (!JobCommands.isValidJobId(jobId)) {
      throw new ClientFrame.InvalidFrameException(frame.id(), "jobId is not a valid job id");
    }
    reply(session, frame.id(), commands.cancel(session.user(), session.accessToken(), jobId));
  }

  private void onReplay(WebSocketClientSession session, ClientFrame frame) {
    String jobId = frame.requiredString("jobId", MAX_ID);
    if (!JobCommands.isValidJobId(jobId)) {
      throw new ClientFrame.InvalidFrameException(frame.id(), "jobId is not a valid job id");
    }
    long fromSeq = frame.optionalNonNegativeLong("fromSeq");
    if (replay == null) {
      sendError(session, frame.id(), ErrorCodes.INTERNAL, "replay is not available");
      return;
    }
    String replayId = frame.id() != null ? frame.id() : "replay-" + replayIds.incrementAndGet();
    CompletableFuture<Long> started;
    try {
      started = replay.replay(session, session.user(), replayId, jobId, fromSeq);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete(
        (count, error) -> {
          if (error == null) {
            return;
          }
          Throwable cause = unwrap(error);
          if (cause instanceof JobReplay.JobAccessException access) {
            sendError(session, frame.id(), access.code(), access.getMessage());
          } else {
            log.warn("Replay of job {} failed", jobId, cause);
            sendError(session, frame.id(), ErrorCodes.INTERNAL, "replay failed");
          }
        });
  }

  private void reply(WebSocketClientSession session, String id, CompletableFuture<String> result) {
    result.whenComplete(
        (jobId, error) -> {
          if (error == null) {
            session.offerControl(frames.ack(id, jobId));
            return;
          }
          Throwable cause = unwrap(error);
          if (cause instanceof JobCommandException e) {
            if (e.code().equals(JobCommandException.RATE_LIMITED)) {
              metrics.error(ErrorCodes.RATE_LIMITED);
              session.offerControl(frames.rateLimited(id, e.getMessage(), e.retryAfterMs()));
            } else {
              if (e.code().equals(JobCommandException.INTERNAL)) {
                log.warn("Job command failed: {}", e.getMessage(), e.getCause());
              }
              sendError(session, id, e.code(), e.getMessage());
            }
          } else {
            log.error("Job command failed", cause);
            sendError(session, id, ErrorCodes.INTERNAL, "internal error");
          }
        });
  }

  // --- timers ---

  /**
   * Checks every session's timers: auth timeout (4001), token expiry warning and close (4010),
   * heartbeat pings and overdue pongs (4008).
   */
  public void sweep() {
    long now = nanos.getAsLong();
    Instant wallNow = clock.instant();
    long authTimeout = props.authTimeout().toNanos();
    long heartbeat = props.heartbeat().toNanos();
    long pongTimeout = props.pongTimeout().toNanos();
    for (WebSocketClientSession session : registry.all()) {
      try {
        sweep(session, now, wallNow, authTimeout, heartbeat, pongTimeout);
      } catch (RuntimeException e) {
        log.warn("Sweep failed for session {}", session.sessionId(), e);
      }
    }
  }

  private void sweep(
      WebSocketClientSession session,
      long now,
      Instant wallNow,
      long authTimeout,
      long heartbeat,
      long pongTimeout) {
    if (session.closeOverdue(now, CLOSE_GRACE_NANOS)) {
      session.disconnect();
      return;
    }
    if (!session.isOpen()) {
      return;
    }
    AuthenticatedUser user = session.user();
    if (user == null) {
      if (!session.anyFrameReceived() && now - session.openedAtNanos() > authTimeout) {
        failAuth(session, null, ErrorCodes.UNAUTHORIZED, "no auth frame in time");
      }
      return;
    }
    long msLeft = user.expiresAt().toEpochMilli() - wallNow.toEpochMilli();
    if (msLeft <= 0) {
      sendError(session, null, ErrorCodes.UNAUTHORIZED, "token expired");
      session.closeAfterQueued(CloseCodes.TOKEN_EXPIRED, "token expired");
      return;
    }
    if (!session.expiryWarned() && msLeft <= props.tokenExpiringLead().toMillis()) {
      session.markExpiryWarned();
      session.offerControl(frames.tokenExpiring(msLeft));
    }
    if (session.pongOverdue(now, pongTimeout)) {
      session.closeAfterQueued(CloseCodes.POLICY, "no pong");
      return;
    }
    session.pingIfDue(now, heartbeat);
  }

  /** Closes every connection with 1001 so clients reconnect elsewhere or later (shutdown). */
  public void closeAll() {
    for (WebSocketClientSession session : registry.all()) {
      session.close(CloseCodes.GOING_AWAY, "server stopping");
    }
  }

  // --- helpers ---

  private void failAuth(WebSocketClientSession session, String id, String code, String message) {
    sendError(session, id, code, message);
    session.closeAfterQueued(CloseCodes.AUTH_FAILED, "auth failed");
  }

  private void invalid(WebSocketClientSession session, String id, String code, String message) {
    sendError(session, id, code, message);
    if (++session.invalidInARow > props.maxInvalidFrames()) {
      session.closeAfterQueued(CloseCodes.POLICY, "too many invalid frames");
    }
  }

  private void sendError(WebSocketClientSession session, String id, String code, String message) {
    metrics.error(code);
    session.offerControl(frames.error(id, code, message));
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static WebSocketClientSession sessionOf(WebSocketSession ws) {
    return (WebSocketClientSession) ws.getAttributes().get(SESSION);
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
