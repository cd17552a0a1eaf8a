package io.regen.realtime.bench.platform;

import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Kafka request counts of the platform process read over JMX ({@code --jmx host:port}; the platform
 * started with {@code -Dcom.sun.management.jmxremote.port=...}): the embedded broker's requests by
 * API ({@code kafka.network RequestMetrics RequestsPerSec} counts and {@code TotalTimeMs} sums) and
 * every in-process client's requests by client id (consumer fetches, producer requests and
 * records). Two snapshots give rates per second over the measured window — the numbers that say
 * which request type and which client the broker's CPU is spent on.
 */
final class KafkaRequestRates implements AutoCloseable {
  private static final String BROKER_REQUESTS =
      "kafka.network:type=RequestMetrics,name=RequestsPerSec,*";
  private static final String BROKER_TIME = "kafka.network:type=RequestMetrics,name=TotalTimeMs,*";
  private static final String CONSUMER_FETCH =
      "kafka.consumer:type=consumer-fetch-manager-metrics,*";
  private static final String PRODUCER = "kafka.producer:type=producer-metrics,*";

  private final JMXConnector connector;
  private final MBeanServerConnection mbeans;

  KafkaRequestRates(String hostPort) throws IOException {
    this.connector =
        JMXConnectorFactory.connect(
            new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + hostPort + "/jmxrmi"));
    this.mbeans = connector.getMBeanServerConnection();
  }

  /** One reading of every counter, keyed by a readable name. */
  Map<String, Double> snapshot() throws Exception {
    Map<String, Double> out = new TreeMap<>();
    for (ObjectName n : mbeans.queryNames(new ObjectName(BROKER_REQUESTS), null)) {
      String request = n.getKeyProperty("request");
      if (request != null) {
        out.merge("broker." + request + ".count", number(n, "Count"), Double::sum);
      }
    }
    for (ObjectName n : mbeans.queryNames(new ObjectName(BROKER_TIME), null)) {
      String request = n.getKeyProperty("request");
      if (request != null) {
        double mean = number(n, "Mean");
        double count = number(n, "Count");
        out.merge("broker." + request + ".totalTimeMsSum", mean * count, Double::sum);
      }
    }
    for (ObjectName n : mbeans.queryNames(new ObjectName(CONSUMER_FETCH), null)) {
      if (n.getKeyProperty("topic") == null && n.getKeyProperty("partition") == null) {
        String id = n.getKeyProperty("client-id");
        out.put("consumer." + id + ".fetches", number(n, "fetch-total"));
        out.put("consumer." + id + ".records", number(n, "records-consumed-total"));
      }
    }
    for (ObjectName n : mbeans.queryNames(new ObjectName(PRODUCER), null)) {
      String id = n.getKeyProperty("client-id");
      out.put("producer." + id + ".requests", number(n, "request-total"));
      out.put("producer." + id + ".records", number(n, "record-send-total"));
    }
    return out;
  }

  /**
   * Per-second rates between two snapshots, largest first; {@code totalTimeMsSum} becomes the mean
   * request time in ms over the window ({@code …meanMs}).
   */
  static Map<String, Double> rates(Map<String, Double> from, Map<String, Double> to, double sec) {
    Map<String, Double> out = new LinkedHashMap<>();
    to.entrySet().stream()
        .filter(e -> !e.getKey().endsWith(".totalTimeMsSum"))
        .map(e -> Map.entry(e.getKey(), (e.getValue() - from.getOrDefault(e.getKey(), 0.0)) / sec))
        .filter(e -> e.getValue() > 0.05)
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> out.put(e.getKey().replace(".count", "") + "PerSec", round(e.getValue())));
    to.forEach(
        (k, v) -> {
          if (k.endsWith(".totalTimeMsSum")) {
            String count = k.replace(".totalTimeMsSum", ".count");
            double n = to.getOrDefault(count, 0.0) - from.getOrDefault(count, 0.0);
            if (n > 0) {
              double ms = (v - from.getOrDefault(k, 0.0)) / n;
              out.put(k.replace(".totalTimeMsSum", ".meanMs"), round(ms));
            }
          }
        });
    return out;
  }

  private double number(ObjectName n, String attribute) {
    try {
      Object v = mbeans.getAttribute(n, attribute);
      return v instanceof Number num ? num.doubleValue() : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}
