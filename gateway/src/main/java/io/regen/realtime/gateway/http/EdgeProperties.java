package io.regen.realtime.gateway.http;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the gateway's HTTP edge accepts ({@code regen.gateway.edge.*}); zero or absent means the
 * default.
 *
 * @param maxRequestBodyBytes largest request body on any path; a bigger {@code Content-Length} is
 *     answered 413 before the body is read, a chunked body is cut off with 413 at this many bytes
 *     (default 64 KiB: a {@code start_job} input is at most 16 KiB)
 * @param restRequestsPerMinute REST requests per user per minute (token bucket, burst the same)
 * @param trustedProxies addresses (IPv4/IPv6, or CIDR blocks such as {@code 10.0.0.0/8}) of load
 *     balancers whose {@code X-Forwarded-For} is believed; from anyone else the header is ignored
 */
@ConfigurationProperties("regen.gateway.edge")
public record EdgeProperties(
    int maxRequestBodyBytes, int restRequestsPerMinute, List<String> trustedProxies) {
  public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_REST_REQUESTS_PER_MINUTE = 600;

  public EdgeProperties {
    maxRequestBodyBytes =
        maxRequestBodyBytes <= 0 ? DEFAULT_MAX_REQUEST_BODY_BYTES : maxRequestBodyBytes;
    restRequestsPerMinute =
        restRequestsPerMinute <= 0 ? DEFAULT_REST_REQUESTS_PER_MINUTE : restRequestsPerMinute;
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
  }

  public static EdgeProperties defaults() {
    return new EdgeProperties(0, 0, null);
  }
}
