package io.regen.realtime.gateway.delivery;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of live delivery ({@code delivery} in {@code /actuator/health}): DOWN when the dispatcher
 * thread is not running, or when it has not completed a poll with the cluster reachable for longer
 * than {@code maxPollAge} (also before its first poll, so a gateway whose broker comes up later
 * turns ready once it polls). The bound is generous so that a load balancer does not take a node
 * out for one slow poll. Details ({@code lastPoll}, {@code maxPollAge}) are shown on the management
 * port only.
 */
public final class DeliveryHealthIndicator implements HealthIndicator {
  private final DispatcherLiveness dispatcher;
  private final Duration maxPollAge;
  private final LongSupplier nanoClock;

  public DeliveryHealthIndicator(
      DispatcherLiveness dispatcher, Duration maxPollAge, LongSupplier nanoClock) {
    this.dispatcher = dispatcher;
    this.maxPollAge = maxPollAge;
    this.nanoClock = nanoClock;
  }

  public DeliveryHealthIndicator(DispatcherLiveness dispatcher, Duration maxPollAge) {
    this(dispatcher, maxPollAge, System::nanoTime);
  }

  @Override
  public Health health() {
    String bound = maxPollAge.toMillis() + " ms";
    if (!dispatcher.dispatcherAlive()) {
      return Health.down()
          .withDetail("dispatcher", "not running")
          .withDetail("maxPollAge", bound)
          .build();
    }
    OptionalLong last = dispatcher.lastPollNanos();
    if (last.isEmpty()) {
      return Health.down()
          .withDetail("lastPoll", "none yet")
          .withDetail("maxPollAge", bound)
          .build();
    }
    long agoMillis = Duration.ofNanos(nanoClock.getAsLong() - last.getAsLong()).toMillis();
    Health.Builder health = agoMillis > maxPollAge.toMillis() ? Health.down() : Health.up();
    return health
        .withDetail("lastPoll", agoMillis + " ms ago")
        .withDetail("maxPollAge", bound)
        .build();
  }
}
