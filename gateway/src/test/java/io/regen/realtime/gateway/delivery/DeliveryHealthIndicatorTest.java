package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class DeliveryHealthIndicatorTest {
  private static final Duration BOUND = Duration.ofSeconds(15);

  /** A dispatcher whose state the test sets, and a clock the test moves. */
  private static final class FakeDispatcher implements DispatcherLiveness {
    boolean alive = true;
    OptionalLong lastPoll = OptionalLong.empty();
    long now = 1_000_000_000L;

    @Override
    public boolean dispatcherAlive() {
      return alive;
    }

    @Override
    public OptionalLong lastPollNanos() {
      return lastPoll;
    }

    void advance(Duration d) {
      now += d.toNanos();
    }
  }

  private final FakeDispatcher dispatcher = new FakeDispatcher();
  private final DeliveryHealthIndicator indicator =
      new DeliveryHealthIndicator(dispatcher, BOUND, () -> dispatcher.now);

  @Test
  void downBeforeTheFirstPollThenUpWithHowLongAgo() {
    assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(indicator.health().getDetails()).containsEntry("lastPoll", "none yet");

    dispatcher.lastPoll = OptionalLong.of(dispatcher.now);
    dispatcher.advance(Duration.ofMillis(250));
    Health health = indicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("lastPoll", "250 ms ago")
        .containsEntry("maxPollAge", "15000 ms");
  }

  @Test
  void downOnceTheLastPollIsOlderThanTheBoundAndUpAgainAfterAPoll() {
    dispatcher.lastPoll = OptionalLong.of(dispatcher.now);
    dispatcher.advance(BOUND);
    assertThat(indicator.health().getStatus()).as("at the bound").isEqualTo(Status.UP);
    dispatcher.advance(Duration.ofMillis(1));
    Health late = indicator.health();
    assertThat(late.getStatus()).isEqualTo(Status.DOWN);
    assertThat(late.getDetails()).containsEntry("lastPoll", "15001 ms ago");

    dispatcher.lastPoll = OptionalLong.of(dispatcher.now);
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void downWhenTheDispatcherThreadIsNotRunningHoweverRecentItsLastPoll() {
    dispatcher.lastPoll = OptionalLong.of(dispatcher.now);
    dispatcher.alive = false;
    Health health = indicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("dispatcher", "not running");
  }

  @Test
  void theBoundIsThreePollTimeoutsAndAtLeastFifteenSeconds() {
    assertThat(DeliveryProperties.defaults().healthMaxPollAge()).isEqualTo(Duration.ofSeconds(15));
    DeliveryProperties slow =
        new DeliveryProperties(
            Duration.ofSeconds(10), null, 0, 0, null, null, 0, 0, 0, null, null, 0);
    assertThat(slow.healthMaxPollAge()).isEqualTo(Duration.ofSeconds(30));
  }
}
