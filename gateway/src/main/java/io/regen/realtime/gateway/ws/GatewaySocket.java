package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.protocol.CloseCode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connection's endpoint in Jetty's own WebSocket API: hands open, text, pong, close and errors
 * to {@link GatewayWebSocketHandler}, and refuses binary messages (1003: the protocol is JSON
 * text). Jetty demands the next frame after each callback returns (auto-demanding), so the frames
 * of one connection are handled one at a time. Public: Jetty binds its callbacks by method handles.
 */
public final class GatewaySocket implements Session.Listener.AutoDemanding {
  private final GatewayWebSocketHandler handler;
  private final String address;
  private final String handshakeToken;

  /** Set in {@link #onWebSocketOpen} before any other callback of this connection. */
  private WebSocketClientSession session;

  GatewaySocket(GatewayWebSocketHandler handler, String address, String handshakeToken) {
    this.handler = handler;
    this.address = address;
    this.handshakeToken = handshakeToken;
  }

  @Override
  public void onWebSocketOpen(Session jetty) {
    session = handler.opened(new JettyFrameSocket(jetty), address, handshakeToken);
  }

  @Override
  public void onWebSocketText(String message) {
    if (session != null) {
      handler.text(session, message);
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    if (session != null) {
      session.close(CloseCode.UNSUPPORTED_DATA, "binary messages not supported");
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    if (session != null) {
      session.alive();
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    handler.transportError(cause);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    try {
      handler.closed(session, statusCode);
    } finally {
      callback.succeed();
    }
  }
}
