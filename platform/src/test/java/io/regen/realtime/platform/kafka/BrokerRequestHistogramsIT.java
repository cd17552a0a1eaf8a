package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.yammer.metrics.core.Histogram;
import com.yammer.metrics.core.Metric;
import com.yammer.metrics.core.MetricName;
import com.yammer.metrics.stats.UniformSample;
import io.regen.realtime.platform.testing.FreePorts;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker records its request times in the uniform histograms registered for it. */
@Timeout(180)
class BrokerRequestHistogramsIT {
  private static final MetricName PRODUCE_TOTAL_TIME =
      new org.apache.kafka.server.metrics.KafkaMetricsGroup("kafka.network", "RequestMetrics")
          .metricName("TotalTimeMs", Map.of("request", "Produce"));

  @TempDir Path dataDir;

  @Test
  void theBrokerUsesTheUniformHistogramsAndTheyComeBackAfterARestart() throws Exception {
    BrokerSettings settings =
        BrokerSettings.singleNode(FreePorts.next(), FreePorts.next(), dataDir.resolve("kafka"));
    String topic = "histograms-it-" + UUID.randomUUID();
    Histogram beforeRestart;

    try (EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings).start()) {
      broker.awaitReady(Duration.ofSeconds(60));
      assertEveryRequestHistogramIsARegisteredUniformOne();
      try (Admin admin = Admin.create(adminProps(broker))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
      produce(broker, topic, 20);
      // Each acknowledged produce was answered, so the broker has recorded its time: in the
      // histogram registered before the start, not one of its own.
      assertThat(histogram(PRODUCE_TOTAL_TIME).count()).isGreaterThanOrEqualTo(20);
      beforeRestart = histogram(PRODUCE_TOTAL_TIME);
    }
    assertThat(requestHistogramNames())
        .as("Kafka removes its request metrics when the broker stops")
        .isEmpty();

    try (EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings).start()) {
      broker.awaitReady(Duration.ofSeconds(60));
      assertEveryRequestHistogramIsARegisteredUniformOne();
      produce(broker, topic, 5);
      Histogram afterRestart = histogram(PRODUCE_TOTAL_TIME);
      assertThat(afterRestart).as("registered anew").isNotSameAs(beforeRestart);
      assertThat(afterRestart.count()).isGreaterThanOrEqualTo(5);
    }
  }

  /**
   * Every request histogram the running broker has is one of the names registered for it, and each
   * is uniform: a request type or histogram Kafka adds in an upgrade fails here instead of quietly
   * bringing a biased reservoir back.
   */
  private static void assertEveryRequestHistogramIsARegisteredUniformOne() {
    Set<MetricName> registered = new HashSet<>(BrokerRequestHistograms.names());
    Set<MetricName> present = requestHistogramNames();
    assertThat(present).isNotEmpty();
    assertThat(registered).containsAll(present);
    for (MetricName name : present) {
      assertThat(isUniform(histogram(name))).as(name.getMBeanName()).isTrue();
    }
  }

  private static Set<MetricName> requestHistogramNames() {
    Set<MetricName> names = new HashSet<>();
    for (Map.Entry<MetricName, Metric> e :
        KafkaYammerMetrics.defaultRegistry().allMetrics().entrySet()) {
      MetricName name = e.getKey();
      if ("kafka.network".equals(name.getGroup())
          && "RequestMetrics".equals(name.getType())
          && e.getValue() instanceof Histogram) {
        names.add(name);
      }
    }
    return names;
  }

  private static Histogram histogram(MetricName name) {
    Metric metric = KafkaYammerMetrics.defaultRegistry().allMetrics().get(name);
    assertThat(metric).as(name.getMBeanName()).isInstanceOf(Histogram.class);
    return (Histogram) metric;
  }

  /** Yammer does not expose a histogram's reservoir; its private field names the kind. */
  private static boolean isUniform(Histogram histogram) {
    try {
      Field sample = Histogram.class.getDeclaredField("sample");
      sample.setAccessible(true);
      return sample.get(histogram) instanceof UniformSample;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("metrics-core changed: " + e, e);
    }
  }

  private static void produce(EmbeddedKraftBroker broker, String topic, int records)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                "0"),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < records; i++) {
        // One at a time, so each is its own Produce request.
        producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> histogram(PRODUCE_TOTAL_TIME).count() >= records);
  }

  private static Map<String, Object> adminProps(EmbeddedKraftBroker broker) {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
  }
}
