package io.regen.realtime.query;

import io.regen.realtime.query.api.AnalyticsViews;
import io.regen.realtime.streams.AnalyticsReader;
import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.StoreKeys;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.ModelLatency;
import io.regen.realtime.streams.state.SessionStats;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;

/**
 * The analytics answers: fans out over the aggregate stores (every partition must answer), merges
 * the per-task partials and derives the summaries with the processors' own {@link AnalyticsReader}
 * (one implementation of the arithmetic). Dates are UTC days, both ends inclusive.
 */
public final class AnalyticsService {
  private final QueryService queries;
  private final int maxRangeEntries;

  /**
   * @param maxRangeEntries the per-partition limit of every scan: the owners' internal listener
   *     refuses more
   */
  public AnalyticsService(QueryService queries, int maxRangeEntries) {
    this.maxRangeEntries = maxRangeEntries;
    this.queries = Objects.requireNonNull(queries, "queries");
  }

  public AnalyticsViews.Dau dau(LocalDate from, LocalDate to, String auth) {
    String fromDay = StoreKeys.day(from);
    String toDay = StoreKeys.day(to);
    Map<String, Long> perDay = new TreeMap<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      perDay.put(StoreKeys.day(d), 0L);
    }
    for (KeyValue<String, Long> kv : scanDays(Stores.DAU_DAILY, fromDay, toDay, auth)) {
      perDay.merge(StoreKeys.bucketOf(kv.key), kv.value == null ? 0 : kv.value, Long::sum);
    }
    List<AnalyticsViews.DayCount> days = new ArrayList<>();
    perDay.forEach((day, n) -> days.add(new AnalyticsViews.DayCount(day, n)));
    long distinct = queries.distinctUsers(fromDay, toDay, auth);
    return new AnalyticsViews.Dau(fromDay, toDay, days, distinct);
  }

  public AnalyticsViews.Sessions sessions(LocalDate from, LocalDate to, String auth) {
    String fromDay = StoreKeys.day(from);
    String toDay = StoreKeys.day(to);
    Map<String, List<SessionStats>> perDay = new TreeMap<>();
    List<SessionStats> all = new ArrayList<>();
    for (KeyValue<String, SessionStats> kv :
        scanDays(Stores.SESSIONS_DAILY, fromDay, toDay, auth)) {
      perDay.computeIfAbsent(StoreKeys.bucketOf(kv.key), k -> new ArrayList<>()).add(kv.value);
      all.add(kv.value);
    }
    List<AnalyticsViews.SessionsDay> days = new ArrayList<>();
    perDay.forEach(
        (day, partials) ->
            days.add(
                new AnalyticsViews.SessionsDay(
                    day, AnalyticsReader.summarize(AnalyticsReader.mergeSessions(partials)))));
    return new AnalyticsViews.Sessions(
        fromDay, toDay, AnalyticsReader.summarize(AnalyticsReader.mergeSessions(all)), days);
  }

  public AnalyticsViews.Jobs jobs(LocalDate from, LocalDate to, String jobType, String auth) {
    String fromDay = StoreKeys.day(from);
    String toDay = StoreKeys.day(to);
    Map<String, List<JobMetrics>> byType = new TreeMap<>();
    Map<String, Map<String, List<JobMetrics>>> byDay = new TreeMap<>();
    List<JobMetrics> all = new ArrayList<>();
    for (KeyValue<String, JobMetrics> kv :
        scanDays(Stores.JOB_METRICS_DAILY, fromDay, toDay, auth)) {
      String type = StoreKeys.dimensionOf(kv.key);
      if (jobType != null && !jobType.equals(type)) {
        continue;
      }
      byType.computeIfAbsent(type, k -> new ArrayList<>()).add(kv.value);
      byDay
          .computeIfAbsent(StoreKeys.bucketOf(kv.key), k -> new TreeMap<>())
          .computeIfAbsent(type, k -> new ArrayList<>())
          .add(kv.value);
      all.add(kv.value);
    }
    List<AnalyticsViews.JobsDay> days = new ArrayList<>();
    byDay.forEach(
        (day, types) ->
            types.forEach(
                (type, partials) ->
                    days.add(
                        new AnalyticsViews.JobsDay(
                            day,
                            type,
                            AnalyticsReader.summarize(
                                AnalyticsReader.mergeJobMetrics(partials))))));
    return new AnalyticsViews.Jobs(
        fromDay,
        toDay,
        jobType,
        AnalyticsReader.summarize(AnalyticsReader.mergeJobMetrics(all)),
        summarizeEach(byType, p -> AnalyticsReader.summarize(AnalyticsReader.mergeJobMetrics(p))),
        days);
  }

  public AnalyticsViews.ModelLatency modelLatency(
      LocalDate from, LocalDate to, String model, String auth) {
    Map<String, List<ModelLatency>> byModel = new TreeMap<>();
    Map<String, Map<String, List<ModelLatency>>> byDay = new TreeMap<>();
    List<KeyValue<String, ModelLatency>> entries =
        queries.fanOutRange(
            Stores.MODEL_LATENCY_HOURLY,
            StoreKeys.hourRangeFrom(from),
            StoreKeys.hourRangeTo(to),
            maxRangeEntries,
            auth);
    for (KeyValue<String, ModelLatency> kv : entries) {
      String m = StoreKeys.dimensionOf(kv.key);
      if (model != null && !model.equals(m)) {
        continue;
      }
      String day = StoreKeys.bucketOf(kv.key).substring(0, 10);
      byModel.computeIfAbsent(m, k -> new ArrayList<>()).add(kv.value);
      byDay
          .computeIfAbsent(day, k -> new TreeMap<>())
          .computeIfAbsent(m, k -> new ArrayList<>())
          .add(kv.value);
    }
    List<AnalyticsViews.ModelDay> days = new ArrayList<>();
    byDay.forEach(
        (day, models) ->
            models.forEach(
                (m, partials) ->
                    days.add(
                        new AnalyticsViews.ModelDay(
                            day,
                            m,
                            AnalyticsReader.summarize(
                                AnalyticsReader.mergeModelLatency(partials))))));
    return new AnalyticsViews.ModelLatency(
        StoreKeys.day(from),
        StoreKeys.day(to),
        model,
        summarizeEach(
            byModel, p -> AnalyticsReader.summarize(AnalyticsReader.mergeModelLatency(p))),
        days);
  }

  /** Today's (UTC) summary. */
  public AnalyticsViews.Metrics today(LocalDate today, String auth) {
    String day = StoreKeys.day(today);
    AnalyticsViews.Jobs jobs = jobs(today, today, null, auth);
    AnalyticsViews.Sessions sessions = sessions(today, today, auth);
    AnalyticsViews.ModelLatency latency = modelLatency(today, today, null, auth);
    long activeUsers = queries.distinctUsers(day, day, auth);
    Map<String, Long> late = new LinkedHashMap<>();
    for (StoreDef<String, Long> store :
        List.of(Stores.LATE_JOB_RECORDS, Stores.LATE_ACTIVITY_RECORDS)) {
      for (KeyValue<String, Long> kv :
          queries.fanOutRange(store, "", StoreKeys.MAX_SUFFIX, maxRangeEntries, auth)) {
        late.merge(kv.key, kv.value == null ? 0 : kv.value, Long::sum);
      }
    }
    return new AnalyticsViews.Metrics(
        day,
        activeUsers,
        sessions.total(),
        jobs.total(),
        jobs.byJobType(),
        latency.byModel(),
        late);
  }

  private <V> List<KeyValue<String, V>> scanDays(
      StoreDef<String, V> store, String fromDay, String toDay, String auth) {
    return queries.fanOutRange(
        store, StoreKeys.rangeFrom(fromDay), StoreKeys.rangeTo(toDay), maxRangeEntries, auth);
  }

  private static <P, S> Map<String, S> summarizeEach(
      Map<String, List<P>> partials, Function<List<P>, S> summarize) {
    Map<String, S> out = new TreeMap<>();
    partials.forEach((k, v) -> out.put(k, summarize.apply(v)));
    return out;
  }
}
