package io.regen.realtime.platform.app;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus registry of the platform: gauges and counters that other libraries publish in
 * nanoseconds, microseconds or milliseconds (Kafka clients' {@code io-time-ns-total}, {@code
 * start-time-ms}, Micrometer's {@code process.cpu.time} in ns, {@code jvm.compilation.time} in ms)
 * are exported in seconds, as Prometheus wants and {@code promtool check metrics} checks: {@code
 * kafka_consumer_io_time_ns_total} becomes {@code kafka_consumer_io_time_seconds_total} with its
 * value divided by 10⁹. Meter ids stay as registered (so binders still remove their meters); only
 * the exported name and value change.
 */
public final class SecondsPrometheusMeterRegistry extends PrometheusMeterRegistry {
  private static final Map<String, Double> TO_SECONDS = Map.of("ns", 1e-9, "us", 1e-6, "ms", 1e-3);
  private static final Pattern UNIT_TOKEN = Pattern.compile("(?<=^|[._-])(ns|us|ms)(?=$|[._-])");

  public SecondsPrometheusMeterRegistry(
      PrometheusConfig config, PrometheusRegistry registry, Clock clock) {
    super(config, registry, clock);
    NamingConvention prometheus = config().namingConvention();
    config().namingConvention(new SecondsNaming(prometheus));
  }

  @Override
  protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
    double scale = scaleToSeconds(id.getName(), id.getBaseUnit());
    return super.newGauge(id, obj, scale == 1 ? valueFunction : scaled(valueFunction, scale));
  }

  @Override
  protected <T> FunctionCounter newFunctionCounter(
      Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
    double scale = scaleToSeconds(id.getName(), id.getBaseUnit());
    return super.newFunctionCounter(
        id, obj, scale == 1 ? countFunction : scaled(countFunction, scale));
  }

  private static <T> ToDoubleFunction<T> scaled(ToDoubleFunction<T> f, double scale) {
    return o -> f.applyAsDouble(o) * scale;
  }

  /** The factor from the meter's unit (in its name or base unit) to seconds; 1 for others. */
  static double scaleToSeconds(String name, String baseUnit) {
    if (baseUnit != null && TO_SECONDS.containsKey(baseUnit)) {
      return TO_SECONDS.get(baseUnit);
    }
    Matcher m = UNIT_TOKEN.matcher(name);
    return m.find() ? TO_SECONDS.get(m.group(1)) : 1;
  }

  /** Writes "seconds" where the meter names a smaller time unit, then Prometheus' own rules. */
  private record SecondsNaming(NamingConvention delegate) implements NamingConvention {
    @Override
    public String name(String name, Meter.Type type, String baseUnit) {
      String unit = baseUnit != null && TO_SECONDS.containsKey(baseUnit) ? "seconds" : baseUnit;
      return delegate.name(UNIT_TOKEN.matcher(name).replaceAll("seconds"), type, unit);
    }

    @Override
    public String tagKey(String key) {
      return delegate.tagKey(key);
    }

    @Override
    public String tagValue(String value) {
      return delegate.tagValue(value);
    }
  }
}
