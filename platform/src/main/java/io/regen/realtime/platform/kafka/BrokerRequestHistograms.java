package io.regen.realtime.platform.kafka;

import com.yammer.metrics.core.MetricName;
import com.yammer.metrics.core.MetricsRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.ApiMessageType.ListenerType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.network.metrics.RequestMetrics;
import org.apache.kafka.server.metrics.KafkaMetricsGroup;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;

/**
 * Registers the embedded broker's per-request histograms as uniform reservoirs before the broker
 * creates its own.
 *
 * <p>Why: Kafka's {@code RequestMetrics} asks Yammer for <em>biased</em> histograms (an
 * exponentially decaying sample: a {@code ConcurrentSkipListMap} per histogram). Every request
 * updates about ten of them, each update inserting a young node into a long-lived skip list; at the
 * few thousand requests a second of {@code ./regen up} that is half of the old-to-young cards G1
 * scans in every young pause on Java 17 (docs/performance.md, session 9, yam). A uniform sample is
 * a fixed array, updated in place. Yammer's {@code newHistogram} returns the metric already
 * registered under a name, so the broker then uses these instances: counts, means and maxima are
 * unchanged, the percentiles become uniform over the broker's life instead of biased to the last
 * five minutes (docs/operations.md).
 *
 * <p>Kafka removes its request metrics when a broker stops, so {@link #register} is called before
 * every start. The registry is static and shared by every broker of this JVM; registering names
 * already present is a no-op.
 */
final class BrokerRequestHistograms {
  /** The group and type {@code RequestMetrics} registers under: {@code kafka.network:type=...}. */
  private static final KafkaMetricsGroup GROUP =
      new KafkaMetricsGroup("kafka.network", "RequestMetrics");

  /** {@code RequestMetrics}' histograms of every request type (its names are private there). */
  private static final List<String> EVERY_REQUEST =
      List.of(
          "RequestQueueTimeMs",
          "LocalTimeMs",
          "RemoteTimeMs",
          "ThrottleTimeMs",
          "ResponseQueueTimeMs",
          "ResponseSendTimeMs",
          "TotalTimeMs",
          "RequestBytes");

  /** Kept only for Produce and Fetch. */
  private static final List<String> PRODUCE_AND_FETCH =
      List.of(RequestMetrics.MESSAGE_CONVERSIONS_TIME_MS, RequestMetrics.TEMPORARY_MEMORY_BYTES);

  private BrokerRequestHistograms() {}

  /**
   * Registers a uniform histogram under every name the broker's request metrics will ask for, on
   * both the broker and the controller listeners of a combined node.
   *
   * @return the names, for tests
   */
  static List<MetricName> register() {
    MetricsRegistry registry = KafkaYammerMetrics.defaultRegistry();
    List<MetricName> names = names();
    for (MetricName name : names) {
      registry.newHistogram(name, false);
    }
    return names;
  }

  /** Every request histogram's name, in the form {@code RequestMetrics} builds it. */
  static List<MetricName> names() {
    List<MetricName> names = new ArrayList<>();
    for (String request : requestNames()) {
      Map<String, String> tags = Map.of("request", request);
      for (String histogram : EVERY_REQUEST) {
        names.add(GROUP.metricName(histogram, tags));
      }
      if (request.equals(ApiKeys.PRODUCE.name) || request.equals(ApiKeys.FETCH.name)) {
        for (String histogram : PRODUCE_AND_FETCH) {
          names.add(GROUP.metricName(histogram, tags));
        }
      }
    }
    return names;
  }

  /** The request names {@code RequestChannelMetrics} keys its metrics by. */
  private static Set<String> requestNames() {
    // A copy: apisForListener hands out Kafka's own cached set.
    EnumSet<ApiKeys> apis = EnumSet.copyOf(ApiKeys.apisForListener(ListenerType.BROKER));
    apis.addAll(ApiKeys.apisForListener(ListenerType.CONTROLLER));
    Set<String> names = new LinkedHashSet<>();
    apis.forEach(api -> names.add(api.name));
    names.add(RequestMetrics.CONSUMER_FETCH_METRIC_NAME);
    names.add(RequestMetrics.FOLLOW_FETCH_METRIC_NAME);
    names.add(RequestMetrics.VERIFY_PARTITIONS_IN_TXN_METRIC_NAME);
    names.add(RequestMetrics.LIST_CLIENT_METRICS_RESOURCES_METRIC_NAME);
    return names;
  }
}
