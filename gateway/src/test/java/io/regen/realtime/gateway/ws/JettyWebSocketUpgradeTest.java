package io.regen.realtime.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.gateway.GatewayProperties;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.DefaultHandler;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;

class JettyWebSocketUpgradeTest {
  private final GatewayProperties props = GatewayProperties.defaults();

  @Test
  void installedInFrontOfTheServersHandlerThenServedWithTheGatewaysLimits() {
    Server server = new Server();
    Handler servlets = new DefaultHandler();
    server.setHandler(servlets);
    JettyWebSocketUpgrade upgrade = new JettyWebSocketUpgrade();

    upgrade.install(server);
    upgrade.serve(props, (request, response, callback) -> null);

    assertServed(server, servlets);
  }

  @Test
  void servedBeforeTheServerExistsTheLimitsApplyWhenItIsInstalled() {
    Server server = new Server();
    Handler servlets = new DefaultHandler();
    server.setHandler(servlets);
    JettyWebSocketUpgrade upgrade = new JettyWebSocketUpgrade();

    upgrade.serve(props, (request, response, callback) -> null);
    upgrade.install(server);

    assertServed(server, servlets);
  }

  private void assertServed(Server server, Handler servlets) {
    assertThat(server.getHandler()).isInstanceOf(WebSocketUpgradeHandler.class);
    WebSocketUpgradeHandler handler = (WebSocketUpgradeHandler) server.getHandler();
    assertThat(handler.getHandler()).isSameAs(servlets);
    var container = handler.getServerWebSocketContainer();
    assertThat(container.getMaxTextMessageSize()).isEqualTo(props.maxTextMessageBytes());
    assertThat(container.getMaxBinaryMessageSize()).isEqualTo(props.maxTextMessageBytes());
    assertThat(container.getInputBufferSize()).isEqualTo(props.inputBufferBytes());
    assertThat(container.getOutputBufferSize()).isEqualTo(props.outputBufferBytes());
    assertThat(container.getIdleTimeout()).isEqualTo(props.idleTimeout());
    assertThat(container.getIdleTimeout()).isEqualTo(Duration.ofSeconds(75));
  }
}
