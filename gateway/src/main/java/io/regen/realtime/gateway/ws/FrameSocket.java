package io.regen.realtime.gateway.ws;

import java.util.function.Consumer;

/**
 * The non-blocking socket operations a session needs; implemented over Jetty's native WebSocket
 * session ({@link JettyFrameSocket}) and by test doubles.
 */
public interface FrameSocket {
  /**
   * Starts writing one text frame; exactly one of the callbacks runs when it is written or failed
   * (possibly on the calling thread).
   */
  void sendText(String text, Runnable onSuccess, Consumer<Throwable> onFailure);

  /**
   * Starts writing one text frame that may wait in the socket's output buffer for the next {@link
   * #sendText} (which flushes it together with everything batched before it, in order): several
   * frames of one session go out in one network write. {@code onFailure} runs if it cannot be
   * written; success needs no callback, since the flushing {@code sendText}'s completion follows.
   */
  void sendBatched(String text, Consumer<Throwable> onFailure);

  /** Sends a WebSocket ping frame. */
  void sendPing();

  /** Starts the closing handshake. */
  void close(int code, String reason);

  /**
   * Drops the connection without waiting for the closing handshake: for a peer that stopped
   * reading, whose close frame can never be flushed.
   */
  void disconnect();

  boolean isOpen();
}
