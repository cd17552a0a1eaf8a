package io.regen.realtime.platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.regen.realtime.platform.testing.Promtool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Meter names as Kafka clients and JVM binders register them, scraped and linted by promtool. */
class PrometheusNamingTest {
  /** Gauges hold their object weakly: a field keeps it alive. */
  private final AtomicLong value = new AtomicLong(42_000_000_000L);

  @Test
  void abbreviatedUnitsCountGaugesAndMissingHelpAreFixedAndPromtoolIsClean() throws Exception {
    PrometheusMeterRegistry raw = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry fixed =
        new SecondsPrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
    fixed.config().meterFilter(new PrometheusNaming());
    for (PrometheusMeterRegistry registry : new PrometheusMeterRegistry[] {raw, fixed}) {
      FunctionCounter.builder("kafka.consumer.io.time.ns.total", value, AtomicLong::get)
          .description("The total time the I/O thread spent doing I/O")
          .register(registry);
      Gauge.builder("kafka.producer.connection.count", value, AtomicLong::get)
          .description("The current number of active connections.")
          .register(registry);
      Gauge.builder("kafka.app.info.start.time.ms", value, AtomicLong::get).register(registry);
      FunctionCounter.builder("process.cpu.time", value, AtomicLong::get)
          .baseUnit("ns")
          .description("The cpu time used by the process")
          .register(registry);
      Counter.builder("delivery.frames.sent").description("Frames").register(registry);
      Timer.builder("delivery.latency")
          .description("Latency")
          .publishPercentileHistogram()
          .maximumExpectedValue(Duration.ofSeconds(1))
          .register(registry)
          .record(Duration.ofMillis(3));
    }

    assertThat(Promtool.checkMetrics(raw.scrape())).isNotEmpty();
    String scrape = fixed.scrape();
    assertThat(Promtool.checkMetrics(scrape)).isEmpty();
    assertThat(scrape)
        .contains(
            "kafka_consumer_io_time_seconds_total 42.0",
            "kafka_producer_connections 4.2E10",
            "# HELP kafka_app_info_start_time_seconds kafka app info start time ms (no description",
            "kafka_app_info_start_time_seconds 4.2E7",
            "process_cpu_time_seconds_total 42.0",
            "delivery_frames_sent_total 0",
            "delivery_latency_seconds_bucket");
  }
}
