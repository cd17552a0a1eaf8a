package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.GatewayProperties;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Upgrades the gateway's WebSocket path in Jetty's own {@link WebSocketUpgradeHandler}, in front of
 * the servlet context: a handshake never runs the servlet filter chain, {@code DispatcherServlet}
 * or Spring's handshake handler and session adapters. Every other request (and a plain GET of the
 * path) goes on to the servlet context unchanged.
 *
 * <p>Two steps, in either order: the web server factory's customizer installs the handler when
 * Spring Boot builds the Jetty server (early, before the gateway's beans exist), and {@link #serve}
 * gives it the path, the limits and the {@link WebSocketCreator} once they do. Both happen before
 * the server's connectors accept anything. Ordered just before {@code
 * AccessTokenHidingJettyCustomizer}, whose handler must stay the outermost.
 */
public final class JettyWebSocketUpgrade
    implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {
  private ServerWebSocketContainer container;
  private Consumer<ServerWebSocketContainer> pending;

  @Override
  public void customize(ConfigurableJettyWebServerFactory factory) {
    factory.addServerCustomizers(this::install);
  }

  synchronized void install(Server server) {
    WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server);
    upgrade.setHandler(server.getHandler());
    server.setHandler(upgrade);
    container = upgrade.getServerWebSocketContainer();
    if (pending != null) {
      pending.accept(container);
      pending = null;
    }
  }

  /**
   * Serves {@code props.path()} with {@code creator}, with the gateway's message and buffer limits.
   */
  public synchronized void serve(GatewayProperties props, WebSocketCreator creator) {
    Consumer<ServerWebSocketContainer> mapping =
        c -> {
          c.setMaxTextMessageSize(props.maxTextMessageBytes());
          c.setMaxBinaryMessageSize(props.maxTextMessageBytes());
          c.setInputBufferSize(props.inputBufferBytes());
          c.setOutputBufferSize(props.outputBufferBytes());
          c.setIdleTimeout(props.idleTimeout());
          c.addMapping(props.path(), creator);
        };
    if (container == null) {
      pending = mapping;
    } else {
      mapping.accept(container);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 1;
  }
}
