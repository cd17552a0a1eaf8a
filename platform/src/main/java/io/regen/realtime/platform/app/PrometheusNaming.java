package io.regen.realtime.platform.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Locale;

/**
 * Makes the meters other libraries register follow the Prometheus naming rules that {@code promtool
 * check metrics} enforces (with {@link SecondsPrometheusMeterRegistry}, which exports time units in
 * seconds): a gauge does not end in {@code _count} ({@code kafka_producer_connection_count} →
 * {@code kafka_producer_connections}, {@code system_cpu_count} → {@code system_cpus}), and a meter
 * without a description gets one (Prometheus {@code # HELP}). The project's own meters already
 * follow the rules and pass unchanged.
 */
public final class PrometheusNaming implements MeterFilter {
  private static final String COUNT_SUFFIX = ".count";

  @Override
  public Meter.Id map(Meter.Id id) {
    Meter.Id mapped = id;
    String name = id.getName();
    if (id.getType() == Meter.Type.GAUGE && name.endsWith(COUNT_SUFFIX)) {
      // "connection.count" → "connections", "cpu.count" → "cpus": a gauge of how many there are
      name = name.substring(0, name.length() - COUNT_SUFFIX.length()) + "s";
    }
    if (!name.equals(id.getName())) {
      mapped = mapped.withName(name);
    }
    String description = id.getDescription();
    if ((description == null || description.isBlank()) && id.syntheticAssociation() == null) {
      mapped =
          new Meter.Id(
              mapped.getName(),
              Tags.of(mapped.getTagsAsIterable()),
              mapped.getBaseUnit(),
              fallbackDescription(id.getName()),
              mapped.getType());
    }
    return mapped;
  }

  /** The meter's original name in words, e.g. "kafka producer node request latency avg". */
  static String fallbackDescription(String name) {
    return name.replaceAll("[._-]+", " ").trim().toLowerCase(Locale.ROOT)
        + " (no description from its source)";
  }
}
