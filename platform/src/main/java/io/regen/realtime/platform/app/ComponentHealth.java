package io.regen.realtime.platform.app;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Health of a component the launcher started: UP while its readiness check holds, else DOWN. */
public final class ComponentHealth implements HealthIndicator {
  private final BooleanSupplier ready;
  private final Map<String, Object> details;

  public ComponentHealth(BooleanSupplier ready, Map<String, Object> details) {
    this.ready = ready;
    this.details = Map.copyOf(details);
  }

  @Override
  public Health health() {
    boolean up;
    try {
      up = ready.getAsBoolean();
    } catch (RuntimeException e) {
      return Health.down(e).withDetails(details).build();
    }
    return (up ? Health.up() : Health.down()).withDetails(details).build();
  }
}
