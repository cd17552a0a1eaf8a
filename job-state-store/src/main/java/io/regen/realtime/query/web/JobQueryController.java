package io.regen.realtime.query.web;

import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.query.JobStateRead;
import io.regen.realtime.query.QueryService;
import io.regen.realtime.query.ReadOptions;
import io.regen.realtime.query.api.JobStateView;
import io.regen.realtime.query.api.JobStatusView;
import io.regen.realtime.query.api.UserJobsView;
import io.regen.realtime.streams.JobsByUserKey;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobSummary;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Job queries: one job's state or status (owner or analyst), a user's jobs newest first (own, or
 * any user's for analysts). Reads may ask for a stale answer from a standby ({@code
 * allowStale=true}; marked by {@code X-Regen-Stale: true} and {@code stale}/{@code lag} in the
 * body) and for read-your-writes ({@code minPosition=<cursor>}). The state without its response
 * text ({@code withResponse=false}) and the status are one get of the stored state; the state with
 * the text reads the job's chunks too.
 *
 * <p>The caller is the user a filter in front has already verified for this request ({@link
 * AuthenticatedUser#REQUEST_ATTRIBUTE}: the gateway's REST edge under {@code up}), else the token
 * of the {@code Authorization} header, verified here (the stand-alone query API): one verification
 * per request either way.
 */
@RestController
public class JobQueryController {
  /** Header marking an answer from a standby replica. */
  public static final String STALE_HEADER = "X-Regen-Stale";

  static final int DEFAULT_PAGE = 20;

  private final QueryService queries;
  private final BearerAuthenticator auth;
  private final int maxPage;

  public JobQueryController(QueryService queries, BearerAuthenticator auth, int maxPage) {
    this.queries = queries;
    this.auth = auth;
    this.maxPage = maxPage;
  }

  @GetMapping("/api/job/{jobId}/state")
  public ResponseEntity<JobStateView> state(
      @PathVariable String jobId,
      @RequestParam(required = false) String minPosition,
      @RequestParam(required = false) String allowStale,
      @RequestParam(required = false) String withResponse,
      @RequestAttribute(name = AuthenticatedUser.REQUEST_ATTRIBUTE, required = false)
          AuthenticatedUser verified,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AuthenticatedUser user = authenticate(verified, authorization, jobId);
    ReadOptions options = options(minPosition, allowStale);
    if (!bool("withResponse", withResponse, true)) {
      options = options.withoutResponse();
    }
    JobStateRead read = readJob(user, jobId, options, authorization);
    return withStale(read).body(JobStateView.of(read));
  }

  @GetMapping("/api/job/{jobId}/status")
  public ResponseEntity<JobStatusView> status(
      @PathVariable String jobId,
      @RequestParam(required = false) String minPosition,
      @RequestParam(required = false) String allowStale,
      @RequestAttribute(name = AuthenticatedUser.REQUEST_ATTRIBUTE, required = false)
          AuthenticatedUser verified,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    // The status shows no text: the state alone, one get.
    AuthenticatedUser user = authenticate(verified, authorization, jobId);
    JobStateRead read =
        readJob(user, jobId, options(minPosition, allowStale).withoutResponse(), authorization);
    return withStale(read).body(JobStatusView.of(read.state(), read.stale(), read.lag()));
  }

  @GetMapping("/api/users/me/jobs")
  public UserJobsView myJobs(
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestAttribute(name = AuthenticatedUser.REQUEST_ATTRIBUTE, required = false)
          AuthenticatedUser verified,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AuthenticatedUser user = caller(verified, authorization);
    return list(user.userId(), limit, cursor, authorization);
  }

  @GetMapping("/api/users/{userId}/jobs")
  public UserJobsView userJobs(
      @PathVariable String userId,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestAttribute(name = AuthenticatedUser.REQUEST_ATTRIBUTE, required = false)
          AuthenticatedUser verified,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AuthenticatedUser user = caller(verified, authorization);
    QueryParams.id("userId", userId);
    AccessRules.requireReaderOf(user, userId);
    return list(userId, limit, cursor, authorization);
  }

  private static ReadOptions options(String minPosition, String allowStale) {
    return new ReadOptions(
        bool("allowStale", allowStale, false), QueryParams.position("minPosition", minPosition));
  }

  /** The caller, then the job id: a request without a valid token is a 401 before any 400. */
  private AuthenticatedUser authenticate(
      AuthenticatedUser verified, String authorization, String jobId) {
    AuthenticatedUser user = caller(verified, authorization);
    QueryParams.id("jobId", jobId);
    return user;
  }

  /** The user already verified for this request, else the header's token verified now. */
  private AuthenticatedUser caller(AuthenticatedUser verified, String authorization) {
    return verified != null ? verified : auth.authenticate(authorization);
  }

  private JobStateRead readJob(
      AuthenticatedUser user, String jobId, ReadOptions options, String authorization) {
    JobStateRead read =
        queries
            .jobState(jobId, user.userId(), options, authorization)
            .orElseThrow(() -> ApiException.notFound("No job " + jobId));
    AccessRules.requireReaderOf(user, read.state().getUserId());
    return read;
  }

  private UserJobsView list(String userId, String limitParam, String cursor, String authorization) {
    int limit = QueryParams.limit(parseLimit(limitParam), DEFAULT_PAGE, maxPage);
    String from =
        cursor == null || cursor.isBlank()
            ? JobsByUserKey.lowerBound(userId)
            : after(userId, cursor);
    List<KeyValue<String, JobSummary>> entries =
        queries.fanOutRange(
            Stores.JOBS_BY_USER, from, JobsByUserKey.upperBound(userId), limit + 1, authorization);
    List<KeyValue<String, JobSummary>> page = entries.subList(0, Math.min(limit, entries.size()));
    String next =
        entries.size() > limit
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(page.get(page.size() - 1).key.getBytes(StandardCharsets.UTF_8))
            : null;
    return new UserJobsView(
        userId,
        page.stream().map(kv -> UserJobsView.JobSummaryView.of(kv.value)).toList(),
        limit,
        next);
  }

  private static String after(String userId, String cursor) {
    String lastKey;
    try {
      lastKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("cursor is not a cursor of this listing");
    }
    if (!lastKey.startsWith(JobsByUserKey.prefix(userId))) {
      throw ApiException.badRequest("cursor is not a cursor of this listing");
    }
    return JobsByUserKey.after(lastKey);
  }

  private static Integer parseLimit(String limit) {
    if (limit == null || limit.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(limit.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit must be a number, got '" + limit + "'");
    }
  }

  private static boolean bool(String name, String value, boolean absent) {
    if (value == null || value.isBlank()) {
      return absent;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw ApiException.badRequest(name + " must be true or false");
  }

  private static ResponseEntity.BodyBuilder withStale(JobStateRead read) {
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
    if (read.stale()) {
      ok.header(STALE_HEADER, "true");
    }
    return ok;
  }
}
