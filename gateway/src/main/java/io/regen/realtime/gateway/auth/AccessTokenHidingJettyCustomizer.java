package io.regen.realtime.gateway.auth;

import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Keeps tokens out of logs: installs {@link AccessTokenHidingHandler} in front of every other
 * handler, and rewrites a configured Jetty access log ({@code server.jetty.accesslog.*}) to log the
 * path without the query string ({@code %r} and {@code %q} would include {@code access_token}).
 * Runs after Spring Boot's own Jetty customizers.
 */
public final class AccessTokenHidingJettyCustomizer
    implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

  @Override
  public void customize(ConfigurableJettyWebServerFactory factory) {
    factory.addServerCustomizers(AccessTokenHidingJettyCustomizer::customizeServer);
  }

  static void customizeServer(Server server) {
    server.setHandler(new AccessTokenHidingHandler(server.getHandler()));
    RequestLog log = server.getRequestLog();
    if (log instanceof CustomRequestLog custom) {
      String safe = withoutQuery(custom.getFormatString());
      if (!safe.equals(custom.getFormatString())) {
        CustomRequestLog replacement = new CustomRequestLog(custom.getWriter(), safe);
        replacement.setIgnorePaths(custom.getIgnorePaths());
        server.setRequestLog(replacement);
      }
    }
  }

  /** The access log format with the request line's query string removed. */
  public static String withoutQuery(String format) {
    return format.replace("%r", "%m %U %H").replace("%q", "");
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
