package io.regen.realtime.platform.web;

import io.regen.realtime.gateway.GatewayProperties;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code regen.cors.allowed-origins}: browser origins that may call the REST API from another
 * origin ({@code FRONTEND_ORIGIN}, the same list the WebSocket handshake allows). Absent: the local
 * demo origins.
 */
@ConfigurationProperties("regen.cors")
public record CorsProperties(List<String> allowedOrigins) {
  public CorsProperties {
    allowedOrigins =
        allowedOrigins == null || allowedOrigins.isEmpty()
            ? GatewayProperties.DEFAULT_ORIGINS
            : allowedOrigins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
  }
}
