package io.regen.realtime.gateway.http;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Caps every request body in Jetty itself, in front of Spring: a declared {@code Content-Length}
 * above the cap gets 413 without a byte of the body read, a chunked body fails with 413 as soon as
 * the cap is passed and the connection is closed, so the rest is never read. Without it one
 * unauthenticated client streaming a few 400 MB bodies exhausts the heap of every role in the JVM.
 */
public final class RequestBodyLimitJettyCustomizer
    implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {
  private final long maxBodyBytes;

  public RequestBodyLimitJettyCustomizer(long maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1");
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void customize(ConfigurableJettyWebServerFactory factory) {
    factory.addServerCustomizers(this::customizeServer);
  }

  void customizeServer(Server server) {
    // -1: responses are not limited (NDJSON histories stream for as long as they need).
    SizeLimitHandler limit = new SizeLimitHandler(maxBodyBytes, -1);
    limit.setHandler(server.getHandler());
    server.setHandler(limit);
  }
}
