package io.regen.realtime.query.web;

import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.query.JobStateRead;
import io.regen.realtime.query.QueryService;
import io.regen.realtime.query.internal.CountsReply;
import io.regen.realtime.query.internal.HttpRemoteStoreClient;
import io.regen.realtime.query.internal.JobStateReply;
import io.regen.realtime.query.internal.QueryStores;
import io.regen.realtime.query.internal.RangeReply;
import io.regen.realtime.streams.JobsByUserKey;
import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.StoreKeys;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.state.JobState;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The instance-to-instance endpoints: read only this instance's partitions, never forward. The
 * caller's token is verified here too and the same access rules apply (a job's content to its owner
 * or an analyst — others get only its id, owner and status, so the forwarding instance can answer
 * 403 —, a user's listing to that user or an analyst, aggregates to analysts), so these paths grant
 * nothing the public API does not.
 */
@RestController
public class InternalQueryController {
  /** Longest range bound accepted (store keys are a few hundred characters at most). */
  static final int MAX_KEY_LENGTH = 1024;

  private final QueryService queries;
  private final BearerAuthenticator auth;
  private final int maxRangeEntries;

  /**
   * @param maxRangeEntries largest {@code limit} of a range read (per partition)
   */
  public InternalQueryController(
      QueryService queries, BearerAuthenticator auth, int maxRangeEntries) {
    this.queries = queries;
    this.auth = auth;
    this.maxRangeEntries = maxRangeEntries;
  }

  @GetMapping(HttpRemoteStoreClient.JOB_PATH)
  public JobStateReply job(
      @RequestParam String jobId,
      @RequestParam int partition,
      @RequestParam(defaultValue = "false") boolean stale,
      @RequestParam(required = false) String minPosition,
      @RequestParam(name = HttpRemoteStoreClient.WITH_RESPONSE, defaultValue = "true")
          boolean withResponse,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AuthenticatedUser user = auth.authenticate(authorization);
    Optional<JobStateRead> read =
        queries.localJobState(
            jobId,
            partition,
            stale,
            QueryParams.position("minPosition", minPosition),
            withResponse);
    if (read.isEmpty()) {
      return new JobStateReply(false, null, false, 0);
    }
    JobState state = read.get().state();
    if (!user.mayRead(state.getUserId())) {
      // Only who owns it, so the forwarding instance answers 403 (not a 503 for a failed call).
      state =
          JobState.newBuilder()
              .setJobId(state.getJobId())
              .setUserId(state.getUserId())
              .setStatus(state.getStatus())
              .build();
    }
    byte[] bytes =
        Stores.JOB_STATE.valueSerde().serializer().serialize(Stores.JOB_STATE.name(), state);
    return new JobStateReply(
        true, Base64.getEncoder().encodeToString(bytes), read.get().stale(), read.get().lag());
  }

  @GetMapping(HttpRemoteStoreClient.RANGE_PATH)
  public RangeReply range(
      @RequestParam String store,
      @RequestParam String from,
      @RequestParam String to,
      @RequestParam int limit,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AuthenticatedUser user = auth.authenticate(authorization);
    StoreDef<String, Object> def =
        QueryStores.stringKeyed(store)
            .orElseThrow(() -> ApiException.badRequest("No range-queryable store " + store));
    if (limit < 1 || limit > maxRangeEntries) {
      throw ApiException.badRequest("limit must be between 1 and " + maxRangeEntries);
    }
    if (from.length() > MAX_KEY_LENGTH || to.length() > MAX_KEY_LENGTH) {
      throw ApiException.badRequest("range bounds are longer than " + MAX_KEY_LENGTH);
    }

    if (def.name().equals(Stores.JOBS_BY_USER.name())) {
      String owner = ownerOfRange(from, to);
      AccessRules.requireReaderOf(user, owner);
    } else {
      AccessRules.requireAnalyst(user);
    }
    return queries.localRange(def, from, to, limit);
  }

  @GetMapping(HttpRemoteStoreClient.DISTINCT_USERS_PATH)
  public CountsReply distinctUsers(
      @RequestParam String from,
      @RequestParam String to,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    AccessRules.requireAnalyst(auth.authenticate(authorization));
    return queries.localDistinctUsers(from, to);
  }

  /** The user whose jobs a jobs-by-user range covers; 400 when it spans more than one user. */
  private static String ownerOfRange(String from, String to) {
    int sep = from.indexOf(StoreKeys.SEP);
    if (sep < 0) {
      throw ApiException.badRequest("A jobs-by-user range must stay within one user");
    }
    String owner = StoreKeys.unescape(from.substring(0, sep));
    String prefix = JobsByUserKey.prefix(owner);
    if (!from.startsWith(prefix) || !to.startsWith(prefix)) {
      throw ApiException.badRequest("A jobs-by-user range must stay within one user");
    }
    return owner;
  }
}
