package io.regen.realtime.gateway.ws;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/** {@link FrameSocket} over Jetty's asynchronous WebSocket API (no thread waits for a write). */
final class JettyFrameSocket implements FrameSocket {
  private final Session session;

  /** Jetty's core session, whose frame flusher can batch; null for another Session type. */
  private final CoreSession core;

  JettyFrameSocket(Session session) {
    this.session = session;
    this.core = session instanceof WebSocketSession ws ? ws.getCoreSession() : null;
  }

  @Override
  public void sendText(String text, Runnable onSuccess, Consumer<Throwable> onFailure) {
    session.sendText(text, Callback.from(onSuccess, onFailure));
  }

  @Override
  public void sendBatched(String text, Consumer<Throwable> onFailure) {
    if (core == null) {
      session.sendText(text, Callback.from(() -> {}, onFailure));
      return;
    }
    // batch = true: the flusher aggregates the frame and writes it with the next non-batched one.
    core.sendFrame(
        new Frame(OpCode.TEXT, text),
        org.eclipse.jetty.util.Callback.from(() -> {}, onFailure),
        true);
  }

  @Override
  public void sendPing() {
    session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
  }

  @Override
  public void close(int code, String reason) {
    session.close(code, reason, Callback.NOOP);
  }

  @Override
  public void disconnect() {
    session.disconnect();
  }

  @Override
  public boolean isOpen() {
    return session.isOpen();
  }
}
