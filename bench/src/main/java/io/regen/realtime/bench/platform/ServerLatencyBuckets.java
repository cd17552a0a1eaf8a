package io.regen.realtime.bench.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own {@code delivery_latency_seconds} histogram (event {@code occurredAt} → frame
 * offered to the session's buffer, millisecond resolution) read from the platform's Prometheus
 * endpoint ({@code --management http://localhost:PORT}). Two readings give the window's share of
 * the end-to-end latency spent before the WebSocket write; the rest is the write and the client.
 */
final class ServerLatencyBuckets {
  private static final Pattern BUCKET =
      Pattern.compile("^delivery_latency_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.eE+]+)");

  private final HttpClient http = HttpClient.newBuilder().build();
  private final URI uri;

  ServerLatencyBuckets(String managementBase) {
    this.uri = URI.create(managementBase + "/actuator/prometheus");
  }

  /** Cumulative count per upper bound (seconds), summed over the histogram's series. */
  Map<Double, Double> read() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    Map<Double, Double> out = new TreeMap<>();
    for (String line : r.body().split("\n")) {
      Matcher m = BUCKET.matcher(line);
      if (m.find()) {
        double le =
            m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
        out.merge(le, Double.parseDouble(m.group(2)), Double::sum);
      }
    }
    return out;
  }

  /**
   * The smallest bucket bound in ms below which {@code percentile} of the window's values lie (an
   * upper bound of that percentile), or null when nothing was recorded in the window.
   */
  static Double percentileMs(Map<Double, Double> from, Map<Double, Double> to, double percentile) {
    double total =
        to.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
            - from.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      return null;
    }
    for (Map.Entry<Double, Double> e : to.entrySet()) {
      double inWindow = e.getValue() - from.getOrDefault(e.getKey(), 0.0);
      if (inWindow >= total * percentile / 100) {
        return e.getKey() * 1000;
      }
    }
    return null;
  }
}
