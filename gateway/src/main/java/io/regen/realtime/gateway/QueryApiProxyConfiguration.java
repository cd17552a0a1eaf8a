package io.regen.realtime.gateway;

import io.regen.realtime.gateway.queryproxy.QueryApiProxyController;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A gateway with a separate query API ({@code regen.gateway.state-url} set, stream processors not
 * in this application) forwards the query API's public paths to it: one base URL for clients.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "regen.gateway.state-url")
class QueryApiProxyConfiguration {
  /** Analytics over many hours can take longer than a job-state look-up. */
  static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(15);

  @Bean
  @ConditionalOnProperty(
      name = "regen.streams.enabled",
      havingValue = "false",
      matchIfMissing = true)
  QueryApiProxyController queryApiProxyController(GatewayProperties props, Environment env) {
    return new QueryApiProxyController(
        () -> GatewayEnvironment.stateUrl(props, env), FORWARD_TIMEOUT);
  }
}
