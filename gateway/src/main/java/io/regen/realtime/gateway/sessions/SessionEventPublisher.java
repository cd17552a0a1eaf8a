package io.regen.realtime.gateway.sessions;

import java.time.Duration;

/**
 * Reports WebSocket session starts and ends for analytics ({@code SessionEvent} on {@code
 * gateway.sessions.v1}, key = userId).
 *
 * <p>Contract, for every implementation: a call <b>never blocks</b> the caller (it only hands the
 * event to a bounded buffer) and <b>never throws</b> into it; when the buffer is full or the sink
 * fails, the event is dropped, logged (rate-limited) and counted ({@code
 * regen_session_events_failed_total}). Safe from any thread; events of one thread are sent in the
 * order of the calls. Analytics are best effort: delivery to clients never depends on them.
 */
public interface SessionEventPublisher extends AutoCloseable {

  /** A session of {@code userId} opened (authenticated) on {@code node}. */
  void started(String userId, String sessionId, String node);

  /** The session ended, {@code duration} after it started. */
  void ended(String userId, String sessionId, String node, Duration duration);

  /** Sends what is buffered (bounded wait) and releases resources. */
  @Override
  default void close() {}

  /** A publisher that discards every event (no Kafka configured). */
  static SessionEventPublisher noop() {
    return new SessionEventPublisher() {
      @Override
      public void started(String userId, String sessionId, String node) {}

      @Override
      public void ended(String userId, String sessionId, String node, Duration duration) {}

      @Override
      public String toString() {
        return "SessionEventPublisher.noop()";
      }
    };
  }
}
