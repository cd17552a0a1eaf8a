package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.app.PlatformApplication;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/** Starting the Spring application and waiting for its aggregated health. */
final class SpringApp {
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(180);

  private SpringApp() {}

  static ConfigurableApplicationContext start(
      Map<String, Object> properties, Map<String, HealthIndicator> health) {
    return PlatformApplication.start(properties, health);
  }

  /**
   * Waits until {@code /actuator/health} (everything the launcher started, plus the modules' own
   * indicators) is UP; returns false, after a warning, if that takes longer than the timeout.
   */
  static boolean awaitHealthy(ConfigurableApplicationContext app) throws InterruptedException {
    HealthEndpoint endpoint = app.getBean(HealthEndpoint.class);
    long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
    while (!Status.UP.equals(endpoint.health().getStatus())) {
      if (System.nanoTime() > deadline) {
        Console.line(
            "WARNING: health is still %s after %d s; see /actuator/health on the management port",
            endpoint.health().getStatus(), HEALTH_TIMEOUT.toSeconds());
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }
}
