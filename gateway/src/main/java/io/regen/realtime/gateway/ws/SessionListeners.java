package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.List;

/**
 * Tells every {@link SessionListener} that an authenticated session started or ended; a failing
 * listener is counted and never stops the others or the connection.
 */
final class SessionListeners {
  private final List<SessionListener> listeners;
  private final GatewayMetrics metrics;

  SessionListeners(List<SessionListener> listeners, GatewayMetrics metrics) {
    this.listeners = List.copyOf(listeners);
    this.metrics = metrics;
  }

  void started(WebSocketClientSession session) {
    for (SessionListener listener : listeners) {
      try {
        listener.started(session);
      } catch (RuntimeException e) {
        metrics.listenerFailure(listener.getClass().getSimpleName());
      }
    }
  }

  void ended(WebSocketClientSession session, Duration duration, int closeCode) {
    for (SessionListener listener : listeners) {
      try {
        listener.ended(session, duration, closeCode);
      } catch (RuntimeException e) {
        metrics.listenerFailure(listener.getClass().getSimpleName());
      }
    }
  }
}
