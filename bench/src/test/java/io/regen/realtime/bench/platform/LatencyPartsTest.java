package io.regen.realtime.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The window arithmetic of the decomposition figures (gateway buckets, Kafka request rates). */
class LatencyPartsTest {
  private static Map<Double, Double> buckets(double le1ms, double le5ms, double inf) {
    Map<Double, Double> m = new TreeMap<>();
    m.put(0.001, le1ms);
    m.put(0.005, le5ms);
    m.put(Double.POSITIVE_INFINITY, inf);
    return m;
  }

  @Test
  void percentilesComeFromTheWindowsCountsOnly() {
    // Before the window: 1,000 slow values; in it: 98 under 1 ms, 2 between 1 and 5 ms.
    Map<Double, Double> from = buckets(0, 0, 1000);
    Map<Double, Double> to = buckets(98, 100, 1100);

    assertThat(ServerLatencyBuckets.percentileMs(from, to, 50)).isEqualTo(1.0);
    assertThat(ServerLatencyBuckets.percentileMs(from, to, 99)).isEqualTo(5.0);
  }

  @Test
  void anEmptyWindowHasNoPercentile() {
    Map<Double, Double> same = buckets(1, 2, 3);
    assertThat(ServerLatencyBuckets.percentileMs(same, same, 99)).isNull();
  }

  @Test
  void ratesArePerSecondLargestFirstWithMeanRequestTimes() {
    Map<String, Double> from =
        Map.of(
            "broker.Produce.count", 100.0,
            "broker.Produce.totalTimeMsSum", 50.0,
            "broker.Fetch.count", 10.0,
            "consumer.g.fetches", 5.0);
    Map<String, Double> to =
        Map.of(
            "broker.Produce.count", 300.0,
            "broker.Produce.totalTimeMsSum", 150.0,
            "broker.Fetch.count", 410.0,
            "consumer.g.fetches", 5.0);

    Map<String, Double> r = KafkaRequestRates.rates(from, to, 2.0);

    assertThat(r.keySet())
        .containsExactly("broker.FetchPerSec", "broker.ProducePerSec", "broker.Produce.meanMs");
    assertThat(r).containsEntry("broker.FetchPerSec", 200.0);
    assertThat(r).containsEntry("broker.ProducePerSec", 100.0);
    assertThat(r).containsEntry("broker.Produce.meanMs", 0.5);
  }
}
