package io.regen.realtime.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class WebSocketUpgradeObservationsTest {
  private final WebSocketUpgradeObservations predicate = new WebSocketUpgradeObservations();

  private static ServerRequestObservationContext request(String upgrade) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ws");
    if (upgrade != null) {
      request.addHeader("Upgrade", upgrade);
      request.addHeader("Connection", "Upgrade");
    }
    return new ServerRequestObservationContext(request, new MockHttpServletResponse());
  }

  @Test
  void aWebSocketHandshakeIsNotObserved() {
    assertThat(predicate.test("http.server.requests", request("websocket"))).isFalse();
    assertThat(predicate.test("http.server.requests", request("WebSocket"))).isFalse();
  }

  @Test
  void everyOtherRequestIsObserved() {
    assertThat(predicate.test("http.server.requests", request(null))).isTrue();
    assertThat(predicate.test("http.server.requests", request("h2c"))).isTrue();
    assertThat(predicate.test("anything", new Observation.Context())).isTrue();
  }
}
