package io.regen.realtime.query.api;

import io.regen.realtime.streams.AnalyticsReader.JobMetricsSummary;
import io.regen.realtime.streams.AnalyticsReader.ModelLatencySummary;
import io.regen.realtime.streams.AnalyticsReader.SessionsSummary;
import java.util.List;
import java.util.Map;

/** JSON bodies of {@code /api/analytics/*}. Dates are UTC days (yyyy-MM-dd). */
public final class AnalyticsViews {
  private AnalyticsViews() {}

  /** {@code /dau}: active users per day and distinct users over the whole range. */
  public record Dau(String from, String to, List<DayCount> days, long distinctUsers) {}

  public record DayCount(String date, long activeUsers) {}

  /** {@code /sessions}: per day and over the range. */
  public record Sessions(String from, String to, SessionsSummary total, List<SessionsDay> days) {}

  public record SessionsDay(String date, SessionsSummary sessions) {}

  /** {@code /jobs}: over the range, per job type, and per day and job type. */
  public record Jobs(
      String from,
      String to,
      String jobType,
      JobMetricsSummary total,
      Map<String, JobMetricsSummary> byJobType,
      List<JobsDay> days) {}

  public record JobsDay(String date, String jobType, JobMetricsSummary jobs) {}

  /** {@code /model-latency}: per model over the range, and per day and model. */
  public record ModelLatency(
      String from,
      String to,
      String model,
      Map<String, ModelLatencySummary> byModel,
      List<ModelDay> days) {}

  public record ModelDay(String date, String model, ModelLatencySummary latency) {}

  /** {@code /metrics}: today's summary. */
  public record Metrics(
      String date,
      long activeUsers,
      SessionsSummary sessions,
      JobMetricsSummary jobs,
      Map<String, JobMetricsSummary> jobsByType,
      Map<String, ModelLatencySummary> modelLatency,
      Map<String, Long> lateRecords) {}
}
