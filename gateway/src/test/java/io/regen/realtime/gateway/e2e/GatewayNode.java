package io.regen.realtime.gateway.e2e;

import io.regen.realtime.gateway.testapp.GatewayTestApplication;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole gateway (the auto-configured Spring Boot application with Jetty, the real {@code
 * KafkaEventDelivery}, presence, session events) that a test starts and stops at will, e.g. to
 * restart it on the same port. The registry client instance is shared with the test's producer.
 */
final class GatewayNode implements AutoCloseable {
  private final ConfigurableApplicationContext context;
  private final int port;

  private GatewayNode(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  /**
   * Starts a gateway node.
   *
   * @param port the HTTP port, 0 for a random free one
   * @param settings further properties (they win over the defaults given here)
   */
  static GatewayNode start(
      String bootstrapServers,
      SchemaRegistryClient registry,
      int port,
      Map<String, String> settings) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("regen.gateway.enabled", "true");
    props.put("regen.kafka.bootstrap-servers", bootstrapServers);
    props.put("regen.jwt.secret", TestTokens.SECRET);
    props.put("server.port", Integer.toString(port));
    props.put("spring.main.banner-mode", "off");
    props.put("regen.node-id", "e2e-gateway");
    // Logging levels are JVM-wide: do not inherit another IT's DEBUG (it floods under load).
    props.put("logging.level.org.springframework.web", "INFO");
    props.putAll(settings);
    List<String> args = new ArrayList<>();
    props.forEach((k, v) -> args.add("--" + k + "=" + v));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(GatewayTestApplication.class)
            .web(WebApplicationType.SERVLET)
            .initializers(
                ctx -> ctx.getBeanFactory().registerSingleton("schemaRegistryClient", registry))
            .run(args.toArray(String[]::new));
    return new GatewayNode(context);
  }

  int port() {
    return port;
  }

  URI ws() {
    return URI.create("ws://127.0.0.1:" + port + "/ws");
  }

  URI http(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  boolean isRunning() {
    return context.isActive();
  }

  @Override
  public void close() {
    if (context.isActive()) {
      context.close();
    }
  }
}
