package io.regen.realtime.platform.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.gateway.ws.SessionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveMetricsSamplerTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private final LiveMetricsSampler sampler =
      new LiveMetricsSampler(new SessionRegistry(), meters, null, clock);

  @SuppressWarnings("unchecked")
  private static Map<String, Object> latency(Map<String, Object> sample) {
    return (Map<String, Object>) sample.get("deliveryLatencyMs");
  }

  @Test
  void reportsTheDeliveryLatencyOfTheEventsSinceThePreviousSample() {
    Timer timer = Timer.builder(LiveMetricsSampler.DELIVERY_LATENCY_TIMER).register(meters);
    timer.record(Duration.ofMillis(10));
    timer.record(Duration.ofMillis(30));
    Map<String, Object> first = sampler.sample(() -> null);
    assertThat(latency(first)).containsEntry("mean", 20.0).containsEntry("count", 2L);
    assertThat(first).containsEntry("at", clock.millis()).containsEntry("connections", 0);

    Map<String, Object> quiet = sampler.sample(() -> null);
    assertThat(latency(quiet)).containsEntry("mean", null).containsEntry("count", 0L);

    timer.record(Duration.ofMillis(4));
    assertThat(latency(sampler.sample(() -> null))).containsEntry("mean", 4.0);
  }

  @Test
  void withoutTheTimerOrTheAnalyticsTheFieldsAreNull() {
    Map<String, Object> sample = sampler.sample(() -> null);
    assertThat(latency(sample)).containsEntry("mean", null).containsEntry("count", 0);
    assertThat(sample).containsEntry("jobs", null).containsEntry("dau", null);
    assertThat(sample).containsEntry("users", 0L);
  }
}
