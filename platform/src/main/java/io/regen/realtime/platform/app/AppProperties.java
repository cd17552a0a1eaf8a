package io.regen.realtime.platform.app;

import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.demo.DemoAutoConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the launcher's environment ({@code PORT}, {@code JWT_SECRET}, ...) onto the Spring
 * properties the platform's modules read ({@code server.port}, {@code regen.jwt.secret}, ...).
 * These become default properties: a {@code REGEN_*} or {@code SERVER_*} variable or a system
 * property set by an operator still takes precedence.
 */
public final class AppProperties {
  /** Which parts of the Spring application run. */
  public enum Mode {
    /**
     * Everything: the gateway on {@code /ws} plus the stream processors and query REST API, and the
     * local demo (dashboard at {@code /}, dev sign-in, live metrics push).
     */
    UP(true, true, true),
    /** The query role: stream processors and their REST API only. */
    STREAMS(false, true, false),
    /** The WebSocket gateway only. */
    GATEWAY(true, false, false);

    final boolean gateway;
    final boolean streams;
    final boolean demo;

    Mode(boolean gateway, boolean streams, boolean demo) {
      this.gateway = gateway;
      this.streams = streams;
      this.demo = demo;
    }
  }

  /**
   * Where the application finds what it depends on.
   *
   * @param bootstrapServers Kafka bootstrap servers
   * @param schemaRegistryUrl the schema registry's base URL
   * @param httpPort the HTTP port (gateway, REST, actuator)
   * @param jwtSecret the HS256 secret, or null when only a public key verifies tokens
   * @param nodeId this instance's stable id (Streams static membership, presence, logs)
   */
  public record Endpoints(
      String bootstrapServers,
      String schemaRegistryUrl,
      int httpPort,
      String jwtSecret,
      String nodeId) {}

  public static final String ACTUATOR_ENDPOINTS = "health,info,prometheus,metrics";

  /**
   * Kafka metric families not exported by default: Micrometer's Kafka binders mirror every Kafka
   * Streams metric, and per store and task that is ~12,000 of the ~16,000 series of an {@code up}
   * with 12 partitions (mostly DEBUG-level latencies that stay 0 at Kafka's INFO recording level):
   * a 3 MB scrape and a meter with its tags on the heap for each. No dashboard, alert or runbook
   * names them. An operator turns one back on with {@code management.metrics.enable.<prefix>=true}
   * (e.g. {@code MANAGEMENT_METRICS_ENABLE_KAFKA_STREAM_STATE=true}).
   */
  public static final List<String> KAFKA_METRICS_OFF_BY_DEFAULT =
      List.of("kafka.stream.state", "kafka.stream.processor", "kafka.stream.record");

  /**
   * The store metrics that stay exported although their family is off: size on disk and in memory
   * and write stalls, what capacity planning and a stalled store need.
   */
  public static final List<String> KAFKA_STORE_METRICS_KEPT =
      List.of(
          "kafka.stream.state.total.sst.files.size",
          "kafka.stream.state.size.all.mem.tables",
          "kafka.stream.state.write.stall.duration.total");

  /** The management listener is this far above the HTTP port unless set. */
  public static final int MANAGEMENT_PORT_OFFSET = 1000;

  /** Metrics and the full actuator listen on loopback only unless an operator says otherwise. */
  public static final String DEFAULT_MANAGEMENT_ADDRESS = "127.0.0.1";

  private AppProperties() {}

  public static Map<String, Object> of(Mode mode, RegenEnvironment env, Endpoints endpoints) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.port", endpoints.httpPort());
    p.put("regen.node-id", endpoints.nodeId());
    p.put("regen.kafka.bootstrap-servers", endpoints.bootstrapServers());
    p.put("regen.schema-registry.url", endpoints.schemaRegistryUrl());
    if (endpoints.jwtSecret() != null) {
      p.put("regen.jwt.secret", endpoints.jwtSecret());
    }
    env.get(RegenEnvironment.JWT_PUBLIC_KEY).ifPresent(v -> p.put("regen.jwt.public-key", v));
    env.get(RegenEnvironment.JWT_ISSUER).ifPresent(v -> p.put("regen.jwt.issuer", v));
    env.get(RegenEnvironment.JWT_AUDIENCE).ifPresent(v -> p.put("regen.jwt.audience", v));
    env.get(RegenEnvironment.REDIS_URL).ifPresent(v -> p.put("regen.redis.url", v));
    env.get(RegenEnvironment.FRONTEND_ORIGIN)
        .ifPresent(
            v -> {
              p.put("regen.gateway.allowed-origins", v);
              p.put("regen.cors.allowed-origins", v);
            });
    p.put("regen.gateway.enabled", mode.gateway);
    p.put("regen.streams.enabled", mode.streams);
    if (mode.demo) {
      p.put("regen.demo.enabled", true);
      // The dev sign-in issues the token, so it cannot require one.
      p.put("regen.gateway.edge.public-paths", "/api/dev/sign-in");
      // Only up serves the dashboard: the other roles keep Boot's (empty) static locations.
      p.put("spring.web.resources.static-locations", DemoAutoConfiguration.STATIC_LOCATION);
    }
    p.put("management.endpoints.web.exposure.include", ACTUATOR_ENDPOINTS);
    // Metrics name users, jobs and internals: a separate listener (MANAGEMENT_SERVER_PORT,
    // MANAGEMENT_SERVER_ADDRESS); only /actuator/health stays on the public port (PublicHealth).
    p.put("management.server.port", managementPort(endpoints.httpPort()));
    p.put("management.server.address", DEFAULT_MANAGEMENT_ADDRESS);
    p.put("management.endpoint.health.show-components", "always");
    // The most specific prefix wins (Spring Boot's PropertiesMeterFilter): families off, a few
    // store metrics back on.
    KAFKA_METRICS_OFF_BY_DEFAULT.forEach(m -> p.put("management.metrics.enable." + m, false));
    KAFKA_STORE_METRICS_KEPT.forEach(m -> p.put("management.metrics.enable." + m, true));
    // Only the management listener shows them; the public port answers the status alone.
    p.put("management.endpoint.health.show-details", "always");
    p.put("spring.application.name", "regen-" + mode.name().toLowerCase());
    return p;
  }

  /** The default management port for an HTTP port: {@value #MANAGEMENT_PORT_OFFSET} above it. */
  public static int managementPort(int httpPort) {
    return httpPort + MANAGEMENT_PORT_OFFSET <= 65535
        ? httpPort + MANAGEMENT_PORT_OFFSET
        : httpPort - MANAGEMENT_PORT_OFFSET;
  }
}
