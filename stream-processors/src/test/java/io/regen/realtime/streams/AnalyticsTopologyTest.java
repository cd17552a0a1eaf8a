package io.regen.realtime.streams;

import static io.regen.realtime.testsupport.TestJobEvents.cancelled;
import static io.regen.realtime.testsupport.TestJobEvents.chunk;
import static io.regen.realtime.testsupport.TestJobEvents.completed;
import static io.regen.realtime.testsupport.TestJobEvents.failed;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.regen.realtime.events.SessionKind;
import io.regen.realtime.streams.AnalyticsReader.JobMetricsSummary;
import io.regen.realtime.streams.AnalyticsReader.LatencySummary;
import io.regen.realtime.streams.AnalyticsReader.SessionsSummary;
import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.ModelLatency;
import io.regen.realtime.streams.state.SessionStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregates over synthetic input with expected values computed independently. The large inputs run
 * on in-memory stores (TopologyTestDriver flushes RocksDB after every record, ~50 ms each here);
 * the late-events test and JobStateTopologyTest run on RocksDB.
 */
class AnalyticsTopologyTest {
  private static final LocalDate MONDAY = LocalDate.of(2026, 11, 16);
  private static final Instant T0 = MONDAY.atStartOfDay().toInstant(ZoneOffset.UTC);

  @TempDir Path stateDir;
  private TestDriverSupport t;

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  /** The value an exact percentile has in HdrHistogram's definition (lowest value at ≥ p %). */
  private static long exactPercentile(List<Long> values, double percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** HdrHistogram with 3 significant digits reports a value within 0.1 % (at least 1 unit). */
  private static void assertWithinPrecision(Long actual, long expected) {
    assertThat(actual).isNotNull();
    assertThat((double) actual).isCloseTo(expected, within(Math.max(1.0, expected * 0.001)));
  }

  private record Activity(Instant at, String userId, boolean session) {}

  @Test
  void dauOverAWeekMatchesSetsComputedIndependently() {
    t =
        new TestDriverSupport(
            stateDir, s -> s.withGrace(Duration.ofHours(1)).withInMemoryStores(true));
    Random random = new Random(42);
    List<Activity> activities = new ArrayList<>();
    for (int day = 0; day < 7; day++) {
      int count = 40 + random.nextInt(40);
      for (int i = 0; i < count; i++) {
        Instant at = T0.plus(Duration.ofDays(day)).plusSeconds(random.nextInt(86_400));
        String user = "user-" + random.nextInt(60);
        activities.add(new Activity(at, user, random.nextBoolean()));
      }
    }
    activities.sort(Comparator.comparing(Activity::at));
    Map<String, Set<String>> expected = new TreeMap<>();
    int jobs = 0;
    for (Activity a : activities) {
      if (a.session()) {
        t.session(a.userId(), SessionKind.STARTED, a.at(), null);
        // An ENDED session does not make a user active.
        t.session("ended-only-user", SessionKind.ENDED, a.at(), 1000L);
      } else {
        t.request(a.userId(), "job-" + jobs++, "model", a.at());
      }
      expected
          .computeIfAbsent(StoreKeys.day(a.at().toEpochMilli()), d -> new HashSet<>())
          .add(a.userId());
    }

    for (Map.Entry<String, Set<String>> day : expected.entrySet()) {
      assertThat(t.store(Stores.DAU_DAILY).get(day.getKey()))
          .as("DAU of %s", day.getKey())
          .isEqualTo((long) day.getValue().size());
    }
    // Distinct users over Tue..Thu, from the per-day keys.
    LocalDate from = MONDAY.plusDays(1);
    LocalDate to = MONDAY.plusDays(3);
    Set<String> expectedRange = new HashSet<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      expectedRange.addAll(expected.getOrDefault(StoreKeys.day(d), Set.of()));
    }
    try (KeyValueIterator<String, Long> scan =
        t.store(Stores.DAU_USERS)
            .range(
                StoreKeys.rangeFrom(StoreKeys.day(from)), StoreKeys.rangeTo(StoreKeys.day(to)))) {
      assertThat(AnalyticsReader.distinctUsers(scan)).isEqualTo(expectedRange);
    }
    // Whole week.
    Set<String> week = new HashSet<>();
    expected.values().forEach(week::addAll);
    try (KeyValueIterator<String, Long> scan = t.store(Stores.DAU_USERS).all()) {
      assertThat(AnalyticsReader.distinctUsers(scan)).isEqualTo(week);
    }
  }

  @Test
  void sessionsPerDayCountOnlyEndedWithPercentilesOfDurations() {
    t = new TestDriverSupport(stateDir, s -> s.withInMemoryStores(true));
    Random random = new Random(7);
    List<Long> durations = new ArrayList<>();
    Instant at = T0.plusSeconds(60);
    for (int i = 0; i < 500; i++) {
      long duration = 1_000 + (long) (random.nextDouble() * random.nextDouble() * 3_600_000);
      durations.add(duration);
      t.session("u" + i, SessionKind.STARTED, at, null);
      t.session("u" + i, SessionKind.ENDED, at.plusMillis(1), duration);
      at = at.plusSeconds(100);
    }
    for (int i = 0; i < 5; i++) {
      t.session("open" + i, SessionKind.STARTED, at, null); // still open
    }
    SessionStats day = t.store(Stores.SESSIONS_DAILY).get(StoreKeys.day(T0.toEpochMilli()));
    SessionsSummary summary = AnalyticsReader.summarize(day);
    long total = durations.stream().mapToLong(Long::longValue).sum();
    assertThat(summary.ended()).isEqualTo(500);
    assertThat(summary.started()).isEqualTo(505);
    assertThat(summary.totalDurationMs()).isEqualTo(total);
    assertThat(summary.avgDurationMs()).isCloseTo(total / 500.0, within(1e-6));
    assertWithinPrecision(summary.p50Ms(), exactPercentile(durations, 50));
    assertWithinPrecision(summary.p95Ms(), exactPercentile(durations, 95));
  }

  @Test
  void jobMetricsPerTypePerHourAndDayWithDurationPercentiles() {
    t = new TestDriverSupport(stateDir, s -> s.withInMemoryStores(true));
    Random random = new Random(3);
    Map<String, List<Long>> completedDurations = new TreeMap<>();
    Map<String, long[]> counts = new TreeMap<>(); // started, completed, failed, cancelled
    Instant at = T0.plusSeconds(10);
    for (int i = 0; i < 300; i++) {
      String type = i % 3 == 0 ? "research" : "model";
      String job = "j" + i;
      t.event("u" + (i % 17), job, 0, at, started(type));
      long[] c = counts.computeIfAbsent(type, k -> new long[4]);
      c[0]++;
      int outcome = random.nextInt(10);
      long duration = 100 + random.nextInt(60_000);
      if (outcome < 7) {
        t.event("u" + (i % 17), job, 1, at.plusMillis(duration), completed(duration));
        completedDurations.computeIfAbsent(type, k -> new ArrayList<>()).add(duration);
        c[1]++;
      } else if (outcome < 9) {
        t.event("u" + (i % 17), job, 1, at.plusMillis(duration), failed());
        c[2]++;
      } else {
        t.event("u" + (i % 17), job, 1, at.plusMillis(duration), cancelled());
        c[3]++;
      }
      at = at.plusSeconds(11); // 300 jobs over ~55 min: all in hour 00
    }
    String day = StoreKeys.day(T0.toEpochMilli());
    String hour = StoreKeys.hour(T0.toEpochMilli());
    for (String type : counts.keySet()) {
      long[] c = counts.get(type);
      JobMetricsSummary daily =
          AnalyticsReader.summarize(
              t.store(Stores.JOB_METRICS_DAILY).get(StoreKeys.bucketed(day, type)));
      List<JobMetrics> hourly = new ArrayList<>();
      for (KeyValue<String, JobMetrics> kv :
          t.range(
              Stores.JOB_METRICS_HOURLY,
              StoreKeys.hourRangeFrom(MONDAY),
              StoreKeys.hourRangeTo(MONDAY))) {
        if (StoreKeys.dimensionOf(kv.key).equals(type)) {
          hourly.add(kv.value);
        }
      }
      JobMetricsSummary fromHours =
          AnalyticsReader.summarize(AnalyticsReader.mergeJobMetrics(hourly));
      for (JobMetricsSummary s : List.of(daily, fromHours)) {
        assertThat(new long[] {s.started(), s.completed(), s.failed(), s.cancelled()})
            .as(type)
            .containsExactly(c);
        assertThat(s.successRate()).isCloseTo((double) c[1] / (c[1] + c[2]), within(1e-9));
        List<Long> d = completedDurations.get(type);
        assertWithinPrecision(s.p50Ms(), exactPercentile(d, 50));
        assertWithinPrecision(s.p95Ms(), exactPercentile(d, 95));
        assertWithinPrecision(s.p99Ms(), exactPercentile(d, 99));
      }
      assertThat(t.store(Stores.JOB_METRICS_HOURLY).get(StoreKeys.bucketed(hour, type)))
          .isNotNull();
    }
  }

  @Test
  void modelLatencyPerModelPerHourMergesAcrossHours() {
    t = new TestDriverSupport(stateDir, s -> s.withInMemoryStores(true));
    Random random = new Random(11);
    List<Long> firstChunk = new ArrayList<>();
    List<Long> total = new ArrayList<>();
    Instant at = T0;
    for (int i = 0; i < 200; i++) {
      String job = "m" + i;
      long ttfc = 50 + random.nextInt(5_000);
      long duration = ttfc + 100 + random.nextInt(20_000);
      t.event("u1", job, 0, at, started("model"));
      t.event("u1", job, 1, at.plusMillis(ttfc), chunk("gpt-x", 0, "a"));
      t.event("u1", job, 2, at.plusMillis(ttfc + 10), chunk("gpt-x", 1, "b")); // not a first chunk
      t.event("u1", job, 3, at.plusMillis(duration), completed(duration));
      firstChunk.add(ttfc);
      total.add(duration);
      at = at.plusSeconds(60); // 200 minutes: spans 4 hour buckets
    }
    t.event("u1", "other-model", 0, at, started("model"));
    t.event("u1", "other-model", 1, at.plusMillis(5), chunk("small", 0, "x"));

    List<ModelLatency> partials = new ArrayList<>();
    for (KeyValue<String, ModelLatency> kv :
        t.range(
            Stores.MODEL_LATENCY_HOURLY,
            StoreKeys.hourRangeFrom(MONDAY),
            StoreKeys.hourRangeTo(MONDAY))) {
      if (StoreKeys.dimensionOf(kv.key).equals("gpt-x")) {
        partials.add(kv.value);
      }
    }
    assertThat(partials).hasSizeGreaterThanOrEqualTo(4);
    AnalyticsReader.ModelLatencySummary summary =
        AnalyticsReader.summarize(AnalyticsReader.mergeModelLatency(partials));
    check(summary.firstChunk(), firstChunk);
    check(summary.duration(), total);
  }

  private static void check(LatencySummary s, List<Long> values) {
    assertThat(s.count()).isEqualTo(values.size());
    assertThat(s.avgMs())
        .isCloseTo(
            values.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
    assertWithinPrecision(s.p50Ms(), exactPercentile(values, 50));
    assertWithinPrecision(s.p95Ms(), exactPercentile(values, 95));
    assertWithinPrecision(s.p99Ms(), exactPercentile(values, 99));
  }

  @Test
  void lateEventsWithinGraceCountInTheirWindowLaterOnesAreCounted() {
    t = new TestDriverSupport(stateDir, s -> s.withGrace(Duration.ofMinutes(10)));
    Instant endOfMonday = T0.plus(Duration.ofDays(1));
    t.session("a", SessionKind.STARTED, endOfMonday.minusSeconds(60), null);
    t.session("b", SessionKind.STARTED, endOfMonday.plusSeconds(5 * 60), null); // Tue 00:05
    // Monday 23:58, arriving when stream time is Tue 00:05: within 10 min grace.
    t.session("c", SessionKind.STARTED, endOfMonday.minusSeconds(120), null);
    t.request("d", "jd", "model", endOfMonday.minusSeconds(30));
    t.session("e", SessionKind.STARTED, endOfMonday.plusSeconds(20 * 60), null); // Tue 00:20
    // Monday again, now beyond grace: counted, not applied.
    t.session("f", SessionKind.STARTED, endOfMonday.minusSeconds(10), null);
    t.session("g", SessionKind.ENDED, endOfMonday.minusSeconds(10), 5_000L);
    t.request("h", "jh", "model", endOfMonday.minusSeconds(10));

    String monday = StoreKeys.day(MONDAY);
    String tuesday = StoreKeys.day(MONDAY.plusDays(1));
    assertThat(t.store(Stores.DAU_DAILY).get(monday)).isEqualTo(3); // a, c, d
    assertThat(t.store(Stores.DAU_DAILY).get(tuesday)).isEqualTo(2); // b, e
    assertThat(t.store(Stores.SESSIONS_DAILY).get(monday).getEnded()).isZero();
    assertThat(t.store(Stores.LATE_ACTIVITY_RECORDS).get(Stores.DAU_DAILY.name())).isEqualTo(2);
    assertThat(t.store(Stores.LATE_ACTIVITY_RECORDS).get(Stores.SESSIONS_DAILY.name()))
        .isEqualTo(2);
    assertThat(lateMetric(Stores.DAU_DAILY.name())).isEqualTo(2.0);

    // Job metrics: hourly window closes sooner than the daily one.
    t.event("u", "j1", 0, endOfMonday.plusSeconds(30 * 60), started("model")); // Tue 00:30
    t.event("u", "j2", 0, endOfMonday.plusSeconds(10), started("model")); // Tue 00:00:10, in grace
    t.event("u", "j3", 0, endOfMonday.plusSeconds(60 * 60 + 15 * 60), started("model")); // 01:15
    t.event("u", "j4", 0, endOfMonday.plusSeconds(20), started("model")); // hour 00 closed at 01:10
    String hour0 = StoreKeys.bucketed(StoreKeys.hour(endOfMonday.toEpochMilli()), "model");
    assertThat(t.store(Stores.JOB_METRICS_HOURLY).get(hour0).getStarted()).isEqualTo(2);
    assertThat(
            t.store(Stores.JOB_METRICS_DAILY)
                .get(StoreKeys.bucketed(tuesday, "model"))
                .getStarted())
        .isEqualTo(4);
    assertThat(t.store(Stores.LATE_JOB_RECORDS).get(Stores.JOB_METRICS_HOURLY.name())).isEqualTo(1);
    assertThat(t.store(Stores.LATE_JOB_RECORDS).get(Stores.JOB_METRICS_DAILY.name())).isNull();
  }

  private double lateMetric(String store) {
    for (Map.Entry<MetricName, ? extends Metric> e : t.driver.metrics().entrySet()) {
      MetricName name = e.getKey();
      if (name.name().equals("late-records-total") && store.equals(name.tags().get("store"))) {
        return ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    return -1;
  }
}
