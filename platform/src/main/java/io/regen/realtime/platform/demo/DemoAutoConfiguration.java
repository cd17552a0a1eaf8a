package io.regen.realtime.platform.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.gateway.auth.JwtSettingsResolver;
import io.regen.realtime.gateway.ws.SessionRegistry;
import io.regen.realtime.query.AnalyticsService;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * What only {@code regen up} has ({@code regen.demo.enabled=true}, set by the launcher for {@code
 * up} alone): the dev sign-in endpoint and the live metrics push. The dashboard's static files are
 * served from {@code classpath:/regen-demo/}, a location only {@code up} configures.
 */
@AutoConfiguration(
    afterName = {
      "io.regen.realtime.gateway.GatewayAutoConfiguration",
      "io.regen.realtime.query.runtime.QueryAutoConfiguration"
    })
@ConditionalOnProperty(name = "regen.demo.enabled", havingValue = "true")
@EnableConfigurationProperties(DemoProperties.class)
public class DemoAutoConfiguration {
  /** Where {@code up} serves the dashboard from (packaged by the clients/typescript module). */
  public static final String STATIC_LOCATION = "classpath:/regen-demo/";

  @Bean
  public DevSignInController regenDevSignInController(DemoProperties props, Environment env) {
    JwtSettings settings = JwtSettingsResolver.from(env);
    // With only a public key (RS256/ES256) nothing here can sign: the endpoint says so.
    JwtIssuer issuer = settings.secret() == null ? null : new JwtIssuer(settings);
    return new DevSignInController(issuer, props.tokenTtl(), Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnBean(SessionRegistry.class)
  public LiveMetricsPush regenLiveMetricsPush(
      DemoProperties props,
      SessionRegistry sessions,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<AnalyticsService> analytics) {
    LiveMetricsSampler sampler =
        new LiveMetricsSampler(
            sessions,
            meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new),
            analytics.getIfAvailable(),
            Clock.systemUTC());
    return new LiveMetricsPush(sampler, JsonMapper.builder().build(), props.metricsInterval());
  }
}
