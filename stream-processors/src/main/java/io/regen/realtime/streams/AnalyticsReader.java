package io.regen.realtime.streams;

import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.ModelLatency;
import io.regen.realtime.streams.state.SessionStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.KeyValue;

/**
 * The arithmetic of the analytics stores in one place: merging partials (one per task, per bucket)
 * and deriving averages, rates and percentiles. Pure functions over store contents; the query layer
 * scans the key ranges ({@link StoreKeys#rangeFrom}/{@link StoreKeys#rangeTo}, {@link
 * StoreKeys#hourRangeFrom}/{@link StoreKeys#hourRangeTo}) on every instance, merges what it got
 * with the {@code merge*} methods (merging is associative and commutative, so instances may
 * pre-merge their local partials and ship the merged record) and then calls {@code summarize*}.
 */
public final class AnalyticsReader {
  private AnalyticsReader() {}

  /** Sessions over some days. Durations in ms; percentiles null when no session ended. */
  public record SessionsSummary(
      long started,
      long ended,
      long totalDurationMs,
      Double avgDurationMs,
      Long p50Ms,
      Long p95Ms) {}

  /**
   * Jobs over some buckets. successRate = completed / (completed + failed), null when both are 0
   * (cancellations are the user's choice, not a failure). Durations are of completed jobs.
   */
  public record JobMetricsSummary(
      long started,
      long completed,
      long failed,
      long cancelled,
      Double successRate,
      long durationCount,
      Double avgDurationMs,
      Long p50Ms,
      Long p95Ms,
      Long p99Ms) {}

  /** Latency statistics of one kind (time to first chunk, or total duration). */
  public record LatencySummary(
      long count, Double avgMs, Long p50Ms, Long p95Ms, Long p99Ms, Long maxMs) {}

  /** A model's latency over some hours. */
  public record ModelLatencySummary(LatencySummary firstChunk, LatencySummary duration) {}

  // ---- merging partials ----

  public static SessionStats mergeSessions(Iterable<SessionStats> partials) {
    long started = 0;
    long ended = 0;
    long total = 0;
    List<ByteBuffer> histograms = new ArrayList<>();
    for (SessionStats s : partials) {
      started += s.getStarted();
      ended += s.getEnded();
      total += s.getTotalDurationMs();
      histograms.add(s.getDurationHistogram());
    }
    return new SessionStats(started, ended, total, Histograms.encode(Histograms.merge(histograms)));
  }

  public static JobMetrics mergeJobMetrics(Iterable<JobMetrics> partials) {
    JobMetrics merged = emptyJobMetrics();
    List<ByteBuffer> histograms = new ArrayList<>();
    for (JobMetrics m : partials) {
      merged.setStarted(merged.getStarted() + m.getStarted());
      merged.setCompleted(merged.getCompleted() + m.getCompleted());
      merged.setFailed(merged.getFailed() + m.getFailed());
      merged.setCancelled(merged.getCancelled() + m.getCancelled());
      merged.setDurationCount(merged.getDurationCount() + m.getDurationCount());
      merged.setDurationTotalMs(merged.getDurationTotalMs() + m.getDurationTotalMs());
      histograms.add(m.getDurationHistogram());
    }
    merged.setDurationHistogram(Histograms.encode(Histograms.merge(histograms)));
    return merged;
  }

  public static ModelLatency mergeModelLatency(Iterable<ModelLatency> partials) {
    ModelLatency merged = emptyModelLatency();
    List<ByteBuffer> first = new ArrayList<>();
    List<ByteBuffer> duration = new ArrayList<>();
    for (ModelLatency m : partials) {
      merged.setFirstChunkCount(merged.getFirstChunkCount() + m.getFirstChunkCount());
      merged.setFirstChunkTotalMs(merged.getFirstChunkTotalMs() + m.getFirstChunkTotalMs());
      merged.setDurationCount(merged.getDurationCount() + m.getDurationCount());
      merged.setDurationTotalMs(merged.getDurationTotalMs() + m.getDurationTotalMs());
      first.add(m.getFirstChunkHistogram());
      duration.add(m.getDurationHistogram());
    }
    merged.setFirstChunkHistogram(Histograms.encode(Histograms.merge(first)));
    merged.setDurationHistogram(Histograms.encode(Histograms.merge(duration)));
    return merged;
  }

  /** Sum of partial counts (DAU_DAILY per day, LATE_*_RECORDS per store). */
  public static long sum(Iterable<Long> partials) {
    long total = 0;
    for (Long value : partials) {
      total += value == null ? 0 : value;
    }
    return total;
  }

  /**
   * Distinct userIds of a scan over {@link Stores#DAU_USERS} (e.g. {@code
   * range(rangeFrom(day(from)), rangeTo(day(to)))}). Union the sets of all instances for the
   * distinct users over a date range; because the store is partitioned by userId, each user appears
   * in one task only, so summing the set sizes of active tasks gives the same number.
   */
  public static Set<String> distinctUsers(Iterator<KeyValue<String, Long>> dauUsersScan) {
    Set<String> users = new HashSet<>();
    while (dauUsersScan.hasNext()) {
      users.add(StoreKeys.dauUserId(dauUsersScan.next().key));
    }
    return users;
  }

  // ---- summaries ----

  public static SessionsSummary summarize(SessionStats s) {
    Histogram h = Histograms.decode(s.getDurationHistogram());
    return new SessionsSummary(
        s.getStarted(),
        s.getEnded(),
        s.getTotalDurationMs(),
        average(s.getTotalDurationMs(), s.getEnded()),
        Histograms.percentile(h, 50),
        Histograms.percentile(h, 95));
  }

  public static JobMetricsSummary summarize(JobMetrics m) {
    Histogram h = Histograms.decode(m.getDurationHistogram());
    return new JobMetricsSummary(
        m.getStarted(),
        m.getCompleted(),
        m.getFailed(),
        m.getCancelled(),
        successRate(m.getCompleted(), m.getFailed()),
        m.getDurationCount(),
        average(m.getDurationTotalMs(), m.getDurationCount()),
        Histograms.percentile(h, 50),
        Histograms.percentile(h, 95),
        Histograms.percentile(h, 99));
  }

  public static ModelLatencySummary summarize(ModelLatency m) {
    return new ModelLatencySummary(
        latency(m.getFirstChunkCount(), m.getFirstChunkTotalMs(), m.getFirstChunkHistogram()),
        latency(m.getDurationCount(), m.getDurationTotalMs(), m.getDurationHistogram()));
  }

  public static Double successRate(long completed, long failed) {
    long finished = completed + failed;
    return finished == 0 ? null : (double) completed / finished;
  }

  public static Double average(long total, long count) {
    return count == 0 ? null : (double) total / count;
  }

  public static JobMetrics emptyJobMetrics() {
    return new JobMetrics(0L, 0L, 0L, 0L, 0L, 0L, ByteBuffer.allocate(0));
  }

  public static ModelLatency emptyModelLatency() {
    return new ModelLatency(0L, 0L, ByteBuffer.allocate(0), 0L, 0L, ByteBuffer.allocate(0));
  }

  public static SessionStats emptySessionStats() {
    return new SessionStats(0L, 0L, 0L, ByteBuffer.allocate(0));
  }

  private static LatencySummary latency(long count, long totalMs, ByteBuffer histogram) {
    Histogram h = Histograms.decode(histogram);
    return new LatencySummary(
        count,
        average(totalMs, count),
        Histograms.percentile(h, 50),
        Histograms.percentile(h, 95),
        Histograms.percentile(h, 99),
        h.getTotalCount() == 0 ? null : h.getMaxValue());
  }
}
