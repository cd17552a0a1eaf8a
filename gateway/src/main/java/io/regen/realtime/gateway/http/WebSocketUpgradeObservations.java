package io.regen.realtime.gateway.http;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Keeps WebSocket handshakes out of the {@code http.server.requests} observation. Every connection
 * starts with one; observing it cost about an eighth of the handshake's CPU in a profile of 10,000
 * connections (issue 9, S2), for a meter that says only "101". What a handshake's outcome is, the
 * gateway counts itself ({@code gateway_handshakes_rejected_total}, {@code
 * active_socket_connections}). Every other request is observed as before.
 */
public final class WebSocketUpgradeObservations implements ObservationPredicate {
  @Override
  public boolean test(String name, Observation.Context context) {
    if (context instanceof ServerRequestObservationContext request) {
      return !"websocket".equalsIgnoreCase(request.getCarrier().getHeader("Upgrade"));
    }
    return true;
  }
}
