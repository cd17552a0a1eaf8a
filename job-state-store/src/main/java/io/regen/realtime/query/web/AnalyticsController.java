package io.regen.realtime.query.web;

import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.query.AnalyticsService;
import io.regen.realtime.query.api.AnalyticsViews;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Analytics over UTC days, for analysts only. */
@RestController
public class AnalyticsController {
  private final AnalyticsService analytics;
  private final BearerAuthenticator auth;
  private final int maxRangeDays;
  private final Clock clock;

  public AnalyticsController(
      AnalyticsService analytics, BearerAuthenticator auth, int maxRangeDays, Clock clock) {
    this.analytics = analytics;
    this.auth = auth;
    this.maxRangeDays = maxRangeDays;
    this.clock = clock;
  }

  @GetMapping("/api/analytics/dau")
  public AnalyticsViews.Dau dau(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LocalDate[] range = analystRange(from, to, authorization);
    return analytics.dau(range[0], range[1], authorization);
  }

  @GetMapping("/api/analytics/sessions")
  public AnalyticsViews.Sessions sessions(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LocalDate[] range = analystRange(from, to, authorization);
    return analytics.sessions(range[0], range[1], authorization);
  }

  @GetMapping("/api/analytics/jobs")
  public AnalyticsViews.Jobs jobs(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String jobType,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LocalDate[] range = analystRange(from, to, authorization);
    return analytics.jobs(
        range[0], range[1], QueryParams.optional("jobType", jobType), authorization);
  }

  @GetMapping("/api/analytics/model-latency")
  public AnalyticsViews.ModelLatency modelLatency(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String model,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LocalDate[] range = analystRange(from, to, authorization);
    return analytics.modelLatency(
        range[0], range[1], QueryParams.optional("model", model), authorization);
  }

  @GetMapping("/api/analytics/metrics")
  public AnalyticsViews.Metrics metrics(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    analyst(authorization);
    return analytics.today(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), authorization);
  }

  /** Checks the caller is an analyst, then parses the range (so a 401/403 comes before a 400). */
  private LocalDate[] analystRange(String from, String to, String authorization) {
    analyst(authorization);
    return QueryParams.dateRange(from, to, maxRangeDays);
  }

  private void analyst(String authorization) {
    AccessRules.requireAnalyst(auth.authenticate(authorization));
  }
}
