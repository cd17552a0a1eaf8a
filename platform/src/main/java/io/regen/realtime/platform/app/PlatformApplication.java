package io.regen.realtime.platform.app;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The one Spring Boot application of the platform. It scans nothing: the gateway and the query API
 * join it through their auto-configurations, switched on by {@code regen.gateway.enabled} and
 * {@code regen.streams.enabled}; the launcher adds health indicators for what it started itself.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(PublicHealth.class)
public class PlatformApplication {

  /** Meter names and help texts that pass {@code promtool check metrics}. */
  @Bean
  static MeterFilter prometheusNaming() {
    return new PrometheusNaming();
  }

  /** Replication health of the platform's topics, for the under-replicated partitions alert. */
  @Bean(destroyMethod = "close")
  static ReplicationMetrics replicationMetrics(Environment env) {
    return new ReplicationMetrics(env.getRequiredProperty("regen.kafka.bootstrap-servers"));
  }

  /** Replaces Boot's Prometheus registry: time units exported in seconds. */
  @Bean
  static PrometheusMeterRegistry prometheusMeterRegistry(
      PrometheusConfig config, PrometheusRegistry registry, Clock clock) {
    return new SecondsPrometheusMeterRegistry(config, registry, clock);
  }

  /**
   * Starts the application with {@code properties} as defaults (real environment variables and
   * system properties still win) and {@code healthIndicators} registered by bean name. No shutdown
   * hook: the launcher closes the context in its own order.
   */
  public static ConfigurableApplicationContext start(
      Map<String, Object> properties, Map<String, HealthIndicator> healthIndicators) {
    return new SpringApplicationBuilder(PlatformApplication.class)
        .bannerMode(Banner.Mode.OFF)
        .registerShutdownHook(false)
        .properties(properties)
        .initializers(
            context ->
                healthIndicators.forEach(
                    (name, indicator) ->
                        context.getBeanFactory().registerSingleton(name, indicator)))
        .run();
  }
}
