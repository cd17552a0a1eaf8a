package io.regen.realtime.query.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.streams.AnalyticsReader;
import io.regen.realtime.streams.FaultCounters;
import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.StoreKeys;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.ModelLatency;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters of the streams role, exposed on {@code /actuator/prometheus}:
 *
 * <ul>
 *   <li>{@code jobs_started_total}, {@code jobs_completed_total}, {@code jobs_failed_total}, {@code
 *       jobs_cancelled_total} {job_type}: read from the job-metrics store (all days) of the
 *       partitions this instance owns, so they survive restarts and never double count; {@code
 *       sum()} over instances is the cluster total (a partition that moves moves its count with
 *       it);
 *   <li>{@code model_latency_seconds_count/_sum} {model, kind=first_chunk|duration} (a function
 *       timer over the same partitions), {@code model_avg_latency_seconds} and {@code
 *       model_latency_percentile_seconds} {percentile=50|95|99} from the merged histograms;
 *   <li>{@code regen_dau_today}: today's active users in this instance's partitions (sum over
 *       instances = DAU);
 *   <li>{@code streams_records_undecodable_total}, {@code streams_registry_unavailable_total},
 *       {@code streams_records_dead_lettered_total}: see {@code docs/reliability.md};
 *   <li>{@code streams_restore_records_restored_total}, {@code
 *       streams_restore_records_to_restore_total}, {@code streams_restore_active} {store}; {@code
 *       streams_running}; Kafka Streams' own metrics via Micrometer's {@link KafkaStreamsMetrics}
 *       (consumer lag: {@code kafka_consumer_fetch_manager_records_lag_max}).
 * </ul>
 *
 * Store-derived values are refreshed every {@code refreshSeconds} on a daemon thread; while the
 * stores are not queryable the last values are kept.
 */
public final class QueryMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryMetrics.class);

  private final MeterRegistry registry;
  private final LocalStoreReader reader;
  private final StreamsRuntime runtime;
  private final Clock clock;
  private final ScheduledExecutorService refresher;
  private final Map<String, JobMetrics> jobsByType = new ConcurrentHashMap<>();
  private final Map<String, ModelLatency> latencyByModel = new ConcurrentHashMap<>();
  private final Map<String, AnalyticsReader.ModelLatencySummary> latencySummaries =
      new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private volatile long dauToday;
  private KafkaStreamsMetrics streamsMetrics;

  public QueryMetrics(
      MeterRegistry registry,
      StreamsRuntime runtime,
      LocalStoreReader reader,
      Clock clock,
      long refreshSeconds) {
    this.registry = registry;
    this.runtime = runtime;
    this.reader = reader;
    this.clock = clock;
    bindRuntime();
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "regen-query-metrics");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(this::refreshSafely, 1, refreshSeconds, TimeUnit.SECONDS);
  }

  private void bindFaultCounters() {
    FunctionCounter.builder(
            "streams.records.undecodable", this, m -> FaultCounters.undecodableSkipped())
        .description("Records skipped because their bytes cannot be decoded (logged with position)")
        .register(registry);
    FunctionCounter.builder(
            "streams.registry.unavailable", this, m -> FaultCounters.registryUnavailable())
        .description("Reads failed and retried because the schema registry was unavailable")
        .register(registry);
    FunctionCounter.builder(
            "streams.records.dead.lettered", this, m -> FaultCounters.deadLettered())
        .description("Records a processor threw on, written to regen.streams.dead-letters.v1")
        .register(registry);
  }

  private void bindRuntime() {
    Gauge.builder("streams.running", runtime, r -> r.state() == KafkaStreams.State.RUNNING ? 1 : 0)
        .description("1 when Kafka Streams is RUNNING (queries answered)")
        .register(registry);
    Gauge.builder("regen.dau.today", this, m -> m.dauToday)
        .description("Today's (UTC) active users in this instance's partitions")
        .register(registry);
    bindFaultCounters();
    RestoreTracker restore = runtime.restore();
    for (StoreDef<?, ?> store : Stores.all()) {
      RestoreTracker.StoreProgress p = restore.progress(store.name());
      FunctionCounter.builder(
              "streams.restore.records.restored", p, RestoreTracker.StoreProgress::restored)
          .tag("store", store.name())
          .description("Changelog records restored into the store")
          .register(registry);
      FunctionCounter.builder(
              "streams.restore.records.to.restore", p, RestoreTracker.StoreProgress::toRestore)
          .tag("store", store.name())
          .description("Changelog records the started restorations had to restore")
          .register(registry);
      Gauge.builder("streams.restore.active", p, RestoreTracker.StoreProgress::activeRestorations)
          .tag("store", store.name())
          .description("Partitions of the store being restored now")
          .register(registry);
    }
    runtime.onStart(
        ks -> {
          synchronized (this) {
            streamsMetrics = new KafkaStreamsMetrics(ks);
            streamsMetrics.bindTo(registry);
          }
        });
  }

  private void refreshSafely() {
    try {
      refresh();
    } catch (QueryUnavailableException e) {
      log.debug("Metrics not refreshed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Metrics refresh failed", e);
    }
  }

  /** Reads the local stores and updates the meters (public for tests). */
  public void refresh() {
    if (runtime.state() != KafkaStreams.State.RUNNING) {
      return;
    }
    Map<String, List<JobMetrics>> jobs = new HashMap<>();
    reader.scanActive(
        Stores.JOB_METRICS_DAILY,
        "",
        StoreKeys.MAX_SUFFIX,
        (partition, key, value) -> {
          jobs.computeIfAbsent(StoreKeys.dimensionOf(key), k -> new ArrayList<>()).add(value);
          return true;
        });
    Map<String, List<ModelLatency>> models = new HashMap<>();
    reader.scanActive(
        Stores.MODEL_LATENCY_HOURLY,
        "",
        StoreKeys.MAX_SUFFIX,
        (partition, key, value) -> {
          models.computeIfAbsent(StoreKeys.dimensionOf(key), k -> new ArrayList<>()).add(value);
          return true;
        });
    String today = StoreKeys.day(clock.millis());
    long[] dau = {0};
    reader.scanActive(
        Stores.DAU_DAILY,
        today,
        today,
        (partition, key, value) -> {
          dau[0] += value == null ? 0 : value;
          return true;
        });
    dauToday = dau[0];
    jobs.forEach(
        (type, partials) -> {
          jobsByType.put(type, AnalyticsReader.mergeJobMetrics(partials));
          registerJobType(type);
        });
    models.forEach(
        (model, partials) -> {
          ModelLatency merged = AnalyticsReader.mergeModelLatency(partials);
          latencyByModel.put(model, merged);
          latencySummaries.put(model, AnalyticsReader.summarize(merged));
          registerModel(model);
        });
  }

  private void registerJobType(String type) {
    if (!registered.add("job|" + type)) {
      return;
    }
    counter("jobs.started", type, JobMetrics::getStarted, "Jobs started");
    counter("jobs.completed", type, JobMetrics::getCompleted, "Jobs completed");
    counter("jobs.failed", type, JobMetrics::getFailed, "Jobs failed");
    counter("jobs.cancelled", type, JobMetrics::getCancelled, "Jobs cancelled");
  }

  private void counter(
      String name,
      String type,
      java.util.function.ToLongFunction<JobMetrics> field,
      String description) {
    FunctionCounter.builder(
            name,
            jobsByType,
            m -> {
              JobMetrics v = m.get(type);
              return v == null ? 0 : field.applyAsLong(v);
            })
        .tag("job_type", type)
        .description(description + " (this instance's partitions)")
        .register(registry);
  }

  private void registerModel(String model) {
    if (!registered.add("model|" + model)) {
      return;
    }
    for (String kind : List.of("first_chunk", "duration")) {
      boolean first = kind.equals("first_chunk");
      FunctionTimer.builder(
              "model.latency",
              latencyByModel,
              m -> {
                ModelLatency v = m.get(model);
                return v == null ? 0 : first ? v.getFirstChunkCount() : v.getDurationCount();
              },
              m -> {
                ModelLatency v = m.get(model);
                return v == null ? 0 : first ? v.getFirstChunkTotalMs() : v.getDurationTotalMs();
              },
              TimeUnit.MILLISECONDS)
          .tags("model", model, "kind", kind)
          .description("Model latency: time to first chunk, total duration")
          .register(registry);
      Gauge.builder(
              "model.avg.latency",
              latencySummaries,
              m -> seconds(pick(m.get(model), first), AnalyticsReader.LatencySummary::avgMs))
          .tags("model", model, "kind", kind)
          .baseUnit("seconds")
          .description("Average model latency")
          .register(registry);
      for (int pct : new int[] {50, 95, 99}) {
        Gauge.builder(
                "model.latency.percentile",
                latencySummaries,
                m ->
                    seconds(
                        pick(m.get(model), first),
                        s ->
                            pct == 50
                                ? toDouble(s.p50Ms())
                                : pct == 95 ? toDouble(s.p95Ms()) : toDouble(s.p99Ms())))
            .tags("model", model, "kind", kind, "percentile", Integer.toString(pct))
            .baseUnit("seconds")
            .description("Model latency percentile from the merged histograms")
            .register(registry);
      }
    }
  }

  private static AnalyticsReader.LatencySummary pick(
      AnalyticsReader.ModelLatencySummary s, boolean first) {
    return s == null ? null : first ? s.firstChunk() : s.duration();
  }

  private static double seconds(
      AnalyticsReader.LatencySummary s,
      java.util.function.Function<AnalyticsReader.LatencySummary, Double> ms) {
    if (s == null) {
      return Double.NaN;
    }
    Double value = ms.apply(s);
    return value == null ? Double.NaN : value / 1000.0;
  }

  private static Double toDouble(Long value) {
    return value == null ? null : value.doubleValue();
  }

  @Override
  public synchronized void close() {
    refresher.shutdownNow();
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
  }
}
