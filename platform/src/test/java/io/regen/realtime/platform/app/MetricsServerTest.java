package io.regen.realtime.platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.regen.realtime.platform.testing.Promtool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code /metrics} of the roles without Spring, over a real socket, linted by promtool. */
class MetricsServerTest {

  @Test
  void servesJvmAndGlobalRegistryMetersThatPassPromtool() throws Exception {
    try (MetricsServer server = new MetricsServer(0)) {
      Counter counter =
          Counter.builder("metrics.server.test.requests")
              .description("Requests counted by the test")
              .register(Metrics.globalRegistry);
      counter.increment(3);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + server.port() + MetricsServer.PATH))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(response.body())
          .contains(
              "metrics_server_test_requests_total 3.0",
              "jvm_memory_used_bytes",
              "process_uptime_seconds");
      assertThat(Promtool.checkMetrics(response.body())).isEmpty();
      Metrics.globalRegistry.remove(counter);
    }
  }
}
