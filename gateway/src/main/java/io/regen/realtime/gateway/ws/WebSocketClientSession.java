package io.regen.realtime.gateway.ws;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.CloseCode;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One WebSocket connection: its bounded outbound buffer, its writer, and its protocol state.
 *
 * <p>Writing: {@link #offer} only appends to the session's {@link OutboundQueue} and, if no write
 * is under way, hands the session to the shared writer executor once ("drain on demand"); the
 * writer then sends the queued frames one after another with Jetty's asynchronous API, each
 * completion starting the next write (on whichever thread completes it); frames that queued up
 * meanwhile go out together in one network write. So frames of a session are written in order, idle
 * sessions cost no thread, and no thread ever waits for a slow socket. The buffer is bounded in
 * frames and characters; a full buffer makes {@code offer} return false. Control frames of the
 * protocol (welcome, acks, errors) get a small extra allowance so that a client being caught up
 * still receives them.
 *
 * <p>Protocol state (user, token, counters) is written by the socket's reader thread (Jetty
 * delivers one message at a time) and by the sweeper; fields read across threads are volatile.
 */
public final class WebSocketClientSession implements ClientSession {
  private static final int CONTROL_ALLOWANCE = 64;

  /** At most this many frames (or about this many characters) are coalesced into one write. */
  private static final int MAX_BATCH_FRAMES = 64;

  private static final long MAX_BATCH_CHARS = 64 * 1024;

  private final String sessionId;
  private final String remoteAddress;
  private final FrameSocket socket;
  private final Executor writerExecutor;
  private final GatewayMetrics metrics;
  private final int maxFrames;
  private final long maxChars;
  private final long openedAtNanos;
  private final Instant openedAt;
  private final TokenBucket frameBucket;

  private final OutboundQueue queue = new OutboundQueue();
  private final AtomicInteger pendingFrames = new AtomicInteger();
  private final AtomicLong pendingChars = new AtomicLong();
  private final AtomicBoolean kicked = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final Writer writer = new Writer();
  private final WelcomeGate welcomeGate = new WelcomeGate();
  private volatile boolean closed;
  private volatile long closeRequestedAtNanos;

  private volatile AuthenticatedUser user;
  private volatile String token;
  private volatile String handshakeToken;
  private volatile Instant authenticatedAt;
  private volatile boolean expiryWarned;
  private volatile boolean anyFrameReceived;
  private volatile EventDelivery.Subscription subscription;
  private volatile long lastPingNanos;
  private volatile long pingOutstandingSinceNanos;

  // Frame-handling only: the reader thread (Jetty delivers a connection's messages one at a time),
  // or the thread routing the frames held until the welcome, never both at once (WelcomeGate).
  int rejectedInARow;
  int invalidInARow;

  public WebSocketClientSession(
      String sessionId,
      String remoteAddress,
      FrameSocket socket,
      Executor writerExecutor,
      GatewayMetrics metrics,
      int maxFrames,
      long maxChars,
      TokenBucket frameBucket,
      long nowNanos,
      Instant now) {
    this.sessionId = sessionId;
    this.remoteAddress = remoteAddress;
    this.socket = socket;
    this.writerExecutor = writerExecutor;
    this.metrics = metrics;
    this.maxFrames = maxFrames;
    this.maxChars = maxChars;
    this.frameBucket = frameBucket;
    this.openedAtNanos = nowNanos;
    this.openedAt = now;
    this.lastPingNanos = nowNanos;
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  /** The authenticated user id; null before the {@code auth} frame. */
  @Override
  public String userId() {
    AuthenticatedUser u = user;
    return u == null ? null : u.userId();
  }

  @Override
  public boolean offer(String frame) {
    return enqueue(frame, maxFrames, maxChars);
  }

  /** Queues a protocol control frame, allowed slightly past the event bound. */
  public boolean offerControl(String frame) {
    return enqueue(frame, maxFrames + CONTROL_ALLOWANCE, maxChars + CONTROL_ALLOWANCE * 1024L);
  }

  private boolean enqueue(String frame, int frameLimit, long charLimit) {
    if (closeRequested.get() || closed) {
      return false;
    }
    if (pendingFrames.incrementAndGet() > frameLimit) {
      pendingFrames.decrementAndGet();
      return false;
    }
    if (pendingChars.addAndGet(frame.length()) > charLimit) {
      pendingChars.addAndGet(-frame.length());
      pendingFrames.decrementAndGet();
      return false;
    }
    queue.add(frame);
    kick();
    return true;
  }

  @Override
  public int pendingFrames() {
    return Math.max(0, pendingFrames.get());
  }

  /** Closes at once, dropping queued frames (e.g. 4009 too slow). Idempotent. */
  @Override
  public void close(CloseCode code, String reason) {
    if (closeRequested.compareAndSet(false, true)) {
      closeRequestedAtNanos = System.nanoTime();
      discardQueued();
      try {
        socket.close(code.code(), reason);
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
  }

  /** Closes after the frames queued so far (e.g. an error frame explaining the close). */
  public void closeAfterQueued(CloseCode code, String reason) {
    if (closeRequested.compareAndSet(false, true)) {
      closeRequestedAtNanos = System.nanoTime();
      queue.add(new CloseMarker(code, reason));
      kickAlways();
    }
  }

  @Override
  public boolean isOpen() {
    return !closed && !closeRequested.get() && socket.isOpen();
  }

  /**
   * Whether this session closed or was asked to, from its own flags only: unlike {@link #isOpen()}
   * it does not ask the socket, whose state sits behind a lock that every call takes (the sweeper
   * asks every session every second). A socket that closed without a close from this side is known
   * here once the close listener has run.
   */
  boolean closeStarted() {
    return closed || closeRequested.get();
  }

  /**
   * Whether a close was asked for more than {@code graceNanos} ago and the socket is still not
   * gone: the peer is not reading, so its close frame cannot be flushed.
   */
  boolean closeOverdue(long nowNanos, long graceNanos) {
    return closeRequested.get() && !closed && nowNanos - closeRequestedAtNanos > graceNanos;
  }

  /**
   * Drops a connection whose close is overdue, so that it stops counting against the per-user and
   * per-IP connection limits now rather than at the transport's idle timeout.
   */
  void disconnect() {
    try {
      socket.disconnect();
    } catch (RuntimeException ignored) {
      // already gone
    }
  }

  /** The socket is gone: stop writing and free the buffer. */
  void markClosed() {
    closed = true;
    closeRequested.set(true);
    discardQueued();
  }

  private void discardQueued() {
    queue.clear();
    pendingFrames.set(0);
    pendingChars.set(0);
  }

  private void kick() {
    if (!kicked.get() && kicked.compareAndSet(false, true)) {
      try {
        writerExecutor.execute(this::drain);
      } catch (RejectedExecutionException shuttingDown) {
        kicked.set(false);
      }
    }
  }

  private void kickAlways() {
    kicked.set(true);
    try {
      writerExecutor.execute(this::drain);
    } catch (RejectedExecutionException shuttingDown) {
      kicked.set(false);
      socket.close(CloseCode.GOING_AWAY.code(), "server stopping");
    }
  }

  private void drain() {
    kicked.set(false);
    writer.iterate();
  }

  /**
   * Sends queued frames; Jetty's completion of one write starts the next. Frames that queued up
   * while a write was under way are coalesced: all but the last go out {@linkplain
   * FrameSocket#sendBatched batched}, the last flushes them in one network write. A lone frame is
   * flushed at once, never held back waiting for company.
   */
  private final class Writer extends IteratingCallback {
    /** An item polled while batching that was not a frame (a close marker): handled next. */
    private Object carried;

    @Override
    protected Action process() {
      if (closed) {
        return Action.SUCCEEDED;
      }
      Object item = carried != null ? carried : queue.poll();
      carried = null;
      if (item == null) {
        return Action.IDLE;
      }
      if (item instanceof CloseMarker marker) {
        discardQueued();
        socket.close(marker.code().code(), marker.reason());
        return Action.SUCCEEDED;
      }
      String frame = taken((String) item);
      int batched = 0;
      long batchedChars = 0;
      while (batched < MAX_BATCH_FRAMES && batchedChars < MAX_BATCH_CHARS) {
        Object next = queue.poll();
        if (next == null) {
          break;
        }
        if (!(next instanceof String nextFrame)) {
          carried = next; // a close marker
          break;
        }
        socket.sendBatched(frame, this::batchFailed);
        batched++;
        batchedChars += frame.length();
        frame = taken(nextFrame);
      }
      socket.sendText(frame, this::succeeded, this::failed);
      return Action.SCHEDULED;
    }

    private String taken(String frame) {
      pendingFrames.decrementAndGet();
      pendingChars.addAndGet(-frame.length());
      metrics.frameSent();
      return frame;
    }

    private void batchFailed(Throwable cause) {
      markClosed();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      markClosed();
    }
  }

  private record CloseMarker(CloseCode code, String reason) {}

  // --- protocol state ---

  public String remoteAddress() {
    return remoteAddress;
  }

  public AuthenticatedUser user() {
    return user;
  }

  public boolean isAuthenticated() {
    return user != null;
  }

  /** The client's current token (forwarded to the state API for ownership checks only). */
  @Override
  public String accessToken() {
    return token;
  }

  /** The verified token of the handshake's access_token parameter, or null. */
  String handshakeToken() {
    return handshakeToken;
  }

  void handshakeToken(String token) {
    this.handshakeToken = token;
  }

  void authenticate(AuthenticatedUser user, String token, Instant now) {
    this.user = user;
    this.token = token;
    this.handshakeToken = null;
    this.authenticatedAt = now;
    this.expiryWarned = false;
  }

  public Instant openedAt() {
    return openedAt;
  }

  /** When the first {@code auth} succeeded; null before. */
  public Instant authenticatedAt() {
    return authenticatedAt;
  }

  long openedAtNanos() {
    return openedAtNanos;
  }

  boolean expiryWarned() {
    return expiryWarned;
  }

  void markExpiryWarned() {
    expiryWarned = true;
  }

  EventDelivery.Subscription subscription() {
    return subscription;
  }

  void subscription(EventDelivery.Subscription subscription) {
    this.subscription = subscription;
  }

  /** Orders the asynchronous subscribe of the first auth with frames and the close. */
  WelcomeGate welcomeGate() {
    return welcomeGate;
  }

  TokenBucket frameBucket() {
    return frameBucket;
  }

  /**
   * Sends a WebSocket ping if the last one was {@code intervalNanos} ago and none is unanswered.
   */
  void pingIfDue(long nowNanos, long intervalNanos) {
    if (pingOutstandingSinceNanos == 0 && nowNanos - lastPingNanos >= intervalNanos) {
      lastPingNanos = nowNanos;
      pingOutstandingSinceNanos = nowNanos;
      try {
        socket.sendPing();
      } catch (RuntimeException e) {
        markClosed();
      }
    }
  }

  /** Whether a ping has gone unanswered for longer than {@code timeoutNanos}. */
  boolean pongOverdue(long nowNanos, long timeoutNanos) {
    long since = pingOutstandingSinceNanos;
    return since != 0 && nowNanos - since > timeoutNanos;
  }

  /** A pong, or any other frame from the client: it is alive. */
  void alive() {
    pingOutstandingSinceNanos = 0;
  }

  /** A text frame arrived (the auth timeout only applies to connections that sent nothing). */
  void frameReceived() {
    anyFrameReceived = true;
    pingOutstandingSinceNanos = 0;
  }

  boolean anyFrameReceived() {
    return anyFrameReceived;
  }
}
