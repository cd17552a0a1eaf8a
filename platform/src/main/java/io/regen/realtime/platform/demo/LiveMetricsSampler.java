package io.regen.realtime.platform.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.regen.realtime.gateway.ws.SessionRegistry;
import io.regen.realtime.gateway.ws.WebSocketClientSession;
import io.regen.realtime.query.AnalyticsService;
import io.regen.realtime.query.api.AnalyticsViews;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sample of what the dashboard charts: this node's connections and users, the delivery latency
 * since the previous sample (from the gateway's {@code delivery.latency} timer), and today's jobs
 * by outcome and active users (from the analytics stores). Sampled once per interval for all
 * subscribers; not thread-safe (the push's single thread calls it).
 */
final class LiveMetricsSampler {
  static final String DELIVERY_LATENCY_TIMER = "delivery.latency";
  private static final Logger log = LoggerFactory.getLogger(LiveMetricsSampler.class);

  private final SessionRegistry sessions;
  private final MeterRegistry meters;
  private final AnalyticsService analytics;
  private final Clock clock;
  private long lastCount;
  private double lastTotalMs;
  private Map<String, Object> lastJobs;
  private Long lastDau;

  LiveMetricsSampler(
      SessionRegistry sessions, MeterRegistry meters, AnalyticsService analytics, Clock clock) {
    this.sessions = sessions;
    this.meters = meters;
    this.analytics = analytics;
    this.clock = clock;
  }

  /**
   * The {@code metrics} frame's fields. {@code authorization} is a subscriber's bearer header, used
   * when the analytics stores must be asked on another instance.
   */
  Map<String, Object> sample(Supplier<String> authorization) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", clock.millis());
    m.put("connections", sessions.size());
    m.put(
        "users",
        sessions.all().stream()
            .map(WebSocketClientSession::userId)
            .filter(u -> u != null)
            .distinct()
            .count());
    m.put("deliveryLatencyMs", latency());
    readAnalytics(authorization);
    m.put("jobs", lastJobs);
    m.put("dau", lastDau);
    return m;
  }

  private Map<String, Object> latency() {
    Map<String, Object> l = new LinkedHashMap<>();
    Timer timer = meters.find(DELIVERY_LATENCY_TIMER).timer();
    if (timer == null) {
      l.put("mean", null);
      l.put("max", null);
      l.put("count", 0);
      return l;
    }
    long count = timer.count();
    double totalMs = timer.totalTime(TimeUnit.MILLISECONDS);
    long delta = count - lastCount;
    l.put("mean", delta > 0 ? round((totalMs - lastTotalMs) / delta) : null);
    l.put("max", delta > 0 ? round(timer.max(TimeUnit.MILLISECONDS)) : null);
    l.put("count", delta);
    lastCount = count;
    lastTotalMs = totalMs;
    return l;
  }

  private void readAnalytics(Supplier<String> authorization) {
    if (analytics == null) {
      return;
    }
    try {
      AnalyticsViews.Metrics today =
          analytics.today(
              LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), authorization.get());
      var jobs = today.jobs();
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("started", jobs.started());
      j.put("completed", jobs.completed());
      j.put("failed", jobs.failed());
      j.put("cancelled", jobs.cancelled());
      j.put(
          "running",
          Math.max(0, jobs.started() - jobs.completed() - jobs.failed() - jobs.cancelled()));
      lastJobs = j;
      lastDau = today.activeUsers();
    } catch (RuntimeException e) {
      // Stores restoring or rebalancing: the chart keeps the last known value for this tick.
      log.debug("Analytics not readable for the metrics push: {}", e.toString());
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
