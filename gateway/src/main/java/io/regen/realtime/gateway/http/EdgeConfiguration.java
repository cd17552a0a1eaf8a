package io.regen.realtime.gateway.http;

import io.regen.realtime.gateway.limits.UserRateLimiter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The gateway's HTTP edge ({@link EdgeProperties}): the request body cap in Jetty, Jetty's thread
 * pool sized for the gateway ({@link JettyThreadPoolCustomizer}), the REST filter (no token in
 * URLs, authentication before the body, per-user rate) on {@code /api/*}, the trusted-proxy aware
 * {@link ClientAddresses}, and no {@code http.server.requests} observation of WebSocket handshakes
 * ({@link WebSocketUpgradeObservations}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
@Import(HttpAuthConfiguration.class)
public class EdgeConfiguration {

  @Bean
  public static RequestBodyLimitJettyCustomizer gatewayRequestBodyLimit(
      org.springframework.core.env.Environment env) {
    // Static and read from the environment: web server customizers are created before the
    // configuration properties binding of this configuration is available.
    Integer max = env.getProperty("regen.gateway.edge.max-request-body-bytes", Integer.class);
    return new RequestBodyLimitJettyCustomizer(
        max == null || max <= 0 ? EdgeProperties.DEFAULT_MAX_REQUEST_BODY_BYTES : max);
  }

  @Bean
  public static JettyThreadPoolCustomizer gatewayJettyThreadPool(
      org.springframework.core.env.Environment env) {
    return new JettyThreadPoolCustomizer(env::containsProperty);
  }

  @Bean
  public WebSocketUpgradeObservations gatewayWebSocketUpgradeObservations() {
    return new WebSocketUpgradeObservations();
  }

  @Bean
  public ClientAddresses gatewayClientAddresses(EdgeProperties props) {
    return new ClientAddresses(props.trustedProxies());
  }

  /** REST paths served without a bearer token, comma-separated exact paths. */
  public static final String PUBLIC_PATHS = "regen.gateway.edge.public-paths";

  @Bean
  public FilterRegistrationBean<RestEdgeFilter> gatewayRestEdgeFilter(
      BearerAuth auth, EdgeProperties props, Environment env) {
    // Paths another module serves without a token (up's dev sign-in sets it).
    String[] publicPaths = env.getProperty(PUBLIC_PATHS, String[].class, new String[0]);
    FilterRegistrationBean<RestEdgeFilter> registration =
        new FilterRegistrationBean<>(
            new RestEdgeFilter(
                auth,
                new UserRateLimiter(props.restRequestsPerMinute()),
                java.util.Set.of(publicPaths)));
    registration.addUrlPatterns("/api/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }
}
