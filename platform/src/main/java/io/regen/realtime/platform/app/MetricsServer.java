package io.regen.realtime.platform.app;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} in the Prometheus text format for the roles that run no Spring application
 * ({@code registry}, {@code worker}) when {@code METRICS_PORT} is set: JVM and process meters plus
 * whatever the role's code registers on Micrometer's global registry (the registry's {@code
 * schema_registry_responses_total}, the workers' {@code regen_worker_*}), with the same
 * promtool-clean naming as {@code /actuator/prometheus}.
 */
public final class MetricsServer implements AutoCloseable {
  /** The port of {@code /metrics}; unset: no metrics endpoint. */
  public static final String METRICS_PORT = "METRICS_PORT";

  public static final String PATH = "/metrics";

  private final SecondsPrometheusMeterRegistry registry =
      new SecondsPrometheusMeterRegistry(
          PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final HttpServer http;

  /** Serves {@code /metrics} on {@code port} (0: a free one) until closed. */
  public MetricsServer(int port) {
    registry.config().meterFilter(new PrometheusNaming());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
    Metrics.globalRegistry.add(registry);
    try {
      http = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("Cannot listen on " + METRICS_PORT + " " + port, e);
    }
    http.createContext(
        PATH,
        exchange -> {
          try (exchange) {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    http.start();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (http != null) {
      http.stop(0);
    }
    Metrics.globalRegistry.remove(registry);
    gc.close();
    registry.close();
  }
}
