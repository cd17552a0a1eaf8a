package io.regen.realtime.streams.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides whether a record is too late for its bucket and counts it: in a store (key = name of the
 * aggregate store, for the query layer) and in the metric {@code late-records-total} (group {@value
 * #METRIC_GROUP}, tags task-id and store). A bucket {@code [start, start+size)} accepts records
 * until stream time (the highest event time the task has seen) passes {@code start + size + grace}.
 */
final class LateRecords {
  static final String METRIC_GROUP = "regen-streams-analytics";

  private final ProcessingContext context;
  private final KeyValueStore<String, Long> counts;
  private final long graceMs;
  private final Map<String, Sensor> sensors = new HashMap<>();

  LateRecords(ProcessingContext context, KeyValueStore<String, Long> counts, Duration grace) {
    this.context = context;
    this.counts = counts;
    this.graceMs = grace.toMillis();
  }

  boolean tooLate(long bucketStart, long bucketSize) {
    return context.currentStreamTimeMs() >= bucketStart + bucketSize + graceMs;
  }

  void count(String storeName) {
    Long previous = counts.get(storeName);
    counts.put(storeName, (previous == null ? 0 : previous) + 1);
    sensors.computeIfAbsent(storeName, this::sensor).record();
  }

  private Sensor sensor(String storeName) {
    String task = context.taskId().toString();
    Sensor sensor =
        context
            .metrics()
            .addSensor("regen-late-" + task + "-" + storeName, Sensor.RecordingLevel.INFO);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("task-id", task);
    tags.put("store", storeName);
    sensor.add(
        new MetricName(
            "late-records-total",
            METRIC_GROUP,
            "Records dropped because they arrived after their window's grace period",
            tags),
        new CumulativeCount());
    return sensor;
  }

  void close() {
    sensors.values().forEach(context.metrics()::removeSensor);
    sensors.clear();
  }
}
