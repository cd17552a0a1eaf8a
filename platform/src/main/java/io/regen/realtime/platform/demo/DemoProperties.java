package io.regen.realtime.platform.demo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code regen.demo.*}: the parts of {@code regen up} that exist for a local browser session only
 * (the dashboard at {@code /}, dev sign-in, the live metrics push). Never set by the other roles.
 *
 * @param enabled turned on by {@code up} only
 * @param tokenTtl lifetime of a dev sign-in token (short, so the client's refresh path runs)
 * @param metricsInterval how often subscribed sessions get a {@code metrics} frame
 */
@ConfigurationProperties("regen.demo")
public record DemoProperties(boolean enabled, Duration tokenTtl, Duration metricsInterval) {
  public DemoProperties {
    tokenTtl = tokenTtl == null ? Duration.ofMinutes(15) : tokenTtl;
    metricsInterval = metricsInterval == null ? Duration.ofSeconds(1) : metricsInterval;
    if (tokenTtl.isNegative() || tokenTtl.isZero() || metricsInterval.toMillis() < 50) {
      throw new IllegalArgumentException(
          "regen.demo.token-ttl must be positive and regen.demo.metrics-interval at least 50 ms");
    }
  }
}
