package io.regen.realtime.gateway;

import io.regen.realtime.gateway.auth.OriginPolicy;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import org.springframework.core.env.Environment;

/**
 * The common platform properties the gateway reads ({@code regen.schema-registry.url}, {@code
 * regen.node-id}; Kafka's are read by {@code GatewayKafkaClients}) with their documented
 * environment fallbacks.
 */
public final class GatewayEnvironment {
  private static final String FALLBACK_NODE =
      "gateway-" + UUID.randomUUID().toString().substring(0, 8);

  private GatewayEnvironment() {}

  static String schemaRegistryUrl(Environment env) {
    return first(env, null, "regen.schema-registry.url", "SCHEMA_REGISTRY_URL");
  }

  static String nodeId(Environment env) {
    String configured = first(env, null, "regen.node-id", "NODE_ID");
    if (configured != null) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return FALLBACK_NODE;
    }
  }

  static List<String> allowedOrigins(GatewayProperties props, Environment env) {
    if (props.allowedOrigins() != null && !props.allowedOrigins().isEmpty()) {
      return props.allowedOrigins();
    }
    List<String> fromEnv = OriginPolicy.parse(env.getProperty("FRONTEND_ORIGIN"));
    return fromEnv.isEmpty() ? GatewayProperties.DEFAULT_ORIGINS : fromEnv;
  }

  /** The query API's base URL; by default this very server (its actual port once started). */
  static String stateUrl(GatewayProperties props, Environment env) {
    if (props.stateUrl() != null) {
      return props.stateUrl();
    }
    String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
    return "http://localhost:" + port;
  }

  /**
   * The first of {@code names} that {@code env} holds a non-blank value for (trimmed), else {@code
   * fallback}: the gateway's one way of reading a setting that has a Spring name and an environment
   * variable.
   */
  public static String first(Environment env, String fallback, String... names) {
    for (String name : names) {
      String value = env.getProperty(name);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return fallback;
  }
}
