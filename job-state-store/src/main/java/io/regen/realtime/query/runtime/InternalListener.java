package io.regen.realtime.query.runtime;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * A second Jetty connector for the instance-to-instance query API ({@code /internal/query/*}), on
 * its own bind address and port ({@code regen.streams.internal-address}, default {@code 127.0.0.1};
 * {@code regen.streams.internal-port}, default 0 = any free port, advertised to the other instances
 * as this instance's {@code application.server}). {@link InternalQueryGuard} keeps the internal
 * paths on this connector only.
 */
public final class InternalListener
    implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {
  private final String address;
  private final int port;
  private volatile ServerConnector connector;

  public InternalListener(String address, int port) {
    this.address = address;
    this.port = port;
  }

  @Override
  public void customize(ConfigurableJettyWebServerFactory factory) {
    factory.addServerCustomizers(this::addConnector);
  }

  private void addConnector(Server server) {
    ServerConnector internal = new ServerConnector(server);
    internal.setName("regen-internal-query");
    internal.setHost(address);
    internal.setPort(port);
    server.addConnector(internal);
    connector = internal;
  }

  /** The port the connector listens on, or -1 before the server started. */
  public int port() {
    ServerConnector c = connector;
    return c == null ? -1 : c.getLocalPort();
  }

  /** The configured bind address. */
  public String address() {
    return address;
  }
}
