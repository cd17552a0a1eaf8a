package io.regen.realtime.gateway.delivery;

import io.regen.realtime.gateway.protocol.CloseCode;

/**
 * A connected, authenticated client as event delivery sees it. Implemented by the WebSocket layer,
 * which owns the socket and the session's bounded outbound buffer.
 *
 * <p>Contract: {@link #offer} never blocks and is safe from any thread; frames offered by one
 * thread are written in the order offered. It returns {@code false} when the bounded buffer is full
 * (the frame is then not queued) or the session is closed — delivery then falls back to catching
 * the client up from the topic instead of growing memory.
 */
public interface ClientSession {
  /** Unique per connection. */
  String sessionId();

  /**
   * The authenticated user (the token's {@code sub}); delivery only ever sends this user's events.
   */
  String userId();

  /**
   * Queues one complete JSON text frame; false when the buffer is full or the session is closed.
   */
  boolean offer(String frame);

  /** Frames queued but not yet written to the socket. */
  int pendingFrames();

  /** Closes the connection with a protocol close code (e.g. too slow). Idempotent. */
  void close(CloseCode code, String reason);

  boolean isOpen();

  /**
   * The bearer token the session authenticated with (the latest, after a re-auth). Replay forwards
   * it to the query API when it asks where a job starts, so the query API applies its own access
   * rules. Null when the implementation does not keep it; replay then relies on the gateway's own
   * job index only.
   */
  default String accessToken() {
    return null;
  }
}
