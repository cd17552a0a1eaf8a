package io.regen.realtime.query.runtime;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Starts Kafka Streams once the internal listener's port is known, because that port is the {@code
 * application.server} the other instances forward queries to. Without a web server (or with an
 * explicit {@code regen.streams.application-server}), starts when the application is ready.
 */
public final class StreamsStarter implements ApplicationListener<ApplicationEvent> {
  private final StreamsRuntime runtime;
  private final StreamsProperties properties;
  private final int fallbackPort;
  private final InternalListener internal;

  public StreamsStarter(
      StreamsRuntime runtime,
      StreamsProperties properties,
      int fallbackPort,
      InternalListener internal) {
    this.runtime = runtime;
    this.properties = properties;
    this.fallbackPort = fallbackPort;
    this.internal = internal;
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof WebServerInitializedEvent web
        && web.getApplicationContext().getServerNamespace() == null) {
      int port = internal.port();
      runtime.start(server(port > 0 ? port : web.getWebServer().getPort()));
    } else if (event instanceof ApplicationReadyEvent) {
      runtime.start(server(fallbackPort));
    }
  }

  private String server(int port) {
    return properties.applicationServer() != null
        ? properties.applicationServer()
        : properties.advertisedHost() + ":" + port;
  }
}
