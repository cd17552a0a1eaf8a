package io.regen.realtime.streams.internal;

import io.regen.realtime.streams.AnalyticsReader;
import io.regen.realtime.streams.Histograms;
import io.regen.realtime.streams.StoreKeys;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.JobStatus;
import io.regen.realtime.streams.state.ModelLatency;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts {@link JobFact}s into the job metrics (per jobType per hour and per day) and model latency
 * (per model per hour) partials of this task, bucketed by the event time of the fact.
 */
public final class JobAnalyticsProcessor implements Processor<String, JobFact, Void, Void> {
  private final Duration grace;
  private KeyValueStore<String, JobMetrics> hourly;
  private KeyValueStore<String, JobMetrics> daily;
  private KeyValueStore<String, ModelLatency> latency;
  private LateRecords late;

  public JobAnalyticsProcessor(Duration grace) {
    this.grace = grace;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    hourly = context.getStateStore(Stores.JOB_METRICS_HOURLY.name());
    daily = context.getStateStore(Stores.JOB_METRICS_DAILY.name());
    latency = context.getStateStore(Stores.MODEL_LATENCY_HOURLY.name());
    late = new LateRecords(context, context.getStateStore(Stores.LATE_JOB_RECORDS.name()), grace);
  }

  @Override
  public void process(Record<String, JobFact> record) {
    long at = record.timestamp();
    JobFact fact = record.value();
    if (fact instanceof JobFact.Started started) {
      updateMetrics(hourly, StoreKeys.HOUR_MS, StoreKeys.hour(at), at, started.jobType(), fact);
      updateMetrics(daily, StoreKeys.DAY_MS, StoreKeys.day(at), at, started.jobType(), fact);
    } else if (fact instanceof JobFact.Ended ended) {
      updateMetrics(hourly, StoreKeys.HOUR_MS, StoreKeys.hour(at), at, ended.jobType(), fact);
      updateMetrics(daily, StoreKeys.DAY_MS, StoreKeys.day(at), at, ended.jobType(), fact);
      if (ended.model() != null
          && ended.status() == JobStatus.COMPLETED
          && ended.durationMs() != null) {
        updateLatency(at, ended.model(), null, ended.durationMs());
      }
    } else if (fact instanceof JobFact.FirstChunk first) {
      updateLatency(at, first.model(), first.millis(), null);
    }
  }

  private void updateMetrics(
      KeyValueStore<String, JobMetrics> store,
      long bucketSize,
      String bucket,
      long at,
      String jobType,
      JobFact fact) {
    if (late.tooLate(StoreKeys.bucketStart(at, bucketSize), bucketSize)) {
      late.count(store.name());
      return;
    }
    String key = StoreKeys.bucketed(bucket, jobType);
    JobMetrics m = store.get(key);
    if (m == null) {
      m = AnalyticsReader.emptyJobMetrics();
    }
    if (fact instanceof JobFact.Started) {
      m.setStarted(m.getStarted() + 1);
    } else if (fact instanceof JobFact.Ended ended) {
      switch (ended.status()) {
        case COMPLETED -> {
          m.setCompleted(m.getCompleted() + 1);
          if (ended.durationMs() != null) {
            long duration = Math.max(0, ended.durationMs());
            m.setDurationCount(m.getDurationCount() + 1);
            m.setDurationTotalMs(m.getDurationTotalMs() + duration);
            m.setDurationHistogram(Histograms.record(m.getDurationHistogram(), duration));
          }
        }
        case FAILED -> m.setFailed(m.getFailed() + 1);
        case CANCELLED -> m.setCancelled(m.getCancelled() + 1);
        default -> {
          return;
        }
      }
    }
    store.put(key, m);
  }

  private void updateLatency(long at, String model, Long firstChunkMs, Long durationMs) {
    if (late.tooLate(StoreKeys.bucketStart(at, StoreKeys.HOUR_MS), StoreKeys.HOUR_MS)) {
      late.count(latency.name());
      return;
    }
    String key = StoreKeys.bucketed(StoreKeys.hour(at), model);
    ModelLatency m = latency.get(key);
    if (m == null) {
      m = AnalyticsReader.emptyModelLatency();
    }
    if (firstChunkMs != null) {
      long value = Math.max(0, firstChunkMs);
      m.setFirstChunkCount(m.getFirstChunkCount() + 1);
      m.setFirstChunkTotalMs(m.getFirstChunkTotalMs() + value);
      m.setFirstChunkHistogram(Histograms.record(m.getFirstChunkHistogram(), value));
    }
    if (durationMs != null) {
      long value = Math.max(0, durationMs);
      m.setDurationCount(m.getDurationCount() + 1);
      m.setDurationTotalMs(m.getDurationTotalMs() + value);
      m.setDurationHistogram(Histograms.record(m.getDurationHistogram(), value));
    }
    latency.put(key, m);
  }

  @Override
  public void close() {
    if (late != null) {
      late.close();
    }
  }
}
