package io.regen.realtime.gateway.ws;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** {@link FrameSocket} over Jetty's asynchronous WebSocket API (no thread waits for a write). */
final class JettyFrameSocket implements FrameSocket {
  private final Session session;

  JettyFrameSocket(Session session) {
    this.session = session;
  }

  @Override
  public void sendText(String text, Runnable onSuccess, Consumer<Throwable> onFailure) {
    session.sendText(text, Callback.from(onSuccess, onFailure));
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
