package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.streams.StoreDef;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.state.HostInfo;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link RemoteStoreClient} over HTTP/1.1 with the JDK client: short connect timeout (a dead owner
 * is noticed quickly), a per-request timeout, JSON bodies. A 503 from the remote keeps its reason;
 * anything else that is not the expected answer becomes OWNER_UNREACHABLE.
 */
public final class HttpRemoteStoreClient implements RemoteStoreClient {
  /** Paths of the internal endpoints (served by {@code InternalQueryController}). */
  public static final String JOB_PATH = "/internal/query/job";

  /** The job read's parameter that leaves the response text out (absent: with the text). */
  public static final String WITH_RESPONSE = "withResponse";

  public static final String RANGE_PATH = "/internal/query/range";
  public static final String DISTINCT_USERS_PATH = "/internal/query/distinct-users";

  private final HttpClient http;
  private final JsonMapper json;
  private final Duration requestTimeout;
  private final Duration positionWait;
  private final ServiceCredential credential;

  /**
   * @param connectTimeout how long to wait for a TCP connection to an owner
   * @param requestTimeout how long a remote read may take (a read-your-writes wait is added)
   * @param positionWait the owners' read-your-writes wait, added to the timeout of such reads
   * @param credential presented on every call (the owners' internal listener requires it)
   */
  public HttpRemoteStoreClient(
      Duration connectTimeout,
      Duration requestTimeout,
      Duration positionWait,
      ServiceCredential credential) {
    this.credential = Objects.requireNonNull(credential, "credential");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .build();
    this.json = JsonMapper.builder().build();
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.positionWait = Objects.requireNonNull(positionWait, "positionWait");
  }

  @Override
  public JobStateReply jobState(
      HostInfo host,
      String jobId,
      int partition,
      boolean stale,
      LogPosition minPosition,
      boolean withResponse,
      String authorization) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("jobId", jobId);
    params.put("partition", Integer.toString(partition));
    params.put("stale", Boolean.toString(stale));
    if (minPosition != null) {
      params.put("minPosition", minPosition.toCursor());
    }
    if (!withResponse) {
      params.put(WITH_RESPONSE, "false");
    }
    Duration timeout = minPosition == null ? requestTimeout : requestTimeout.plus(positionWait);
    try {
      return send(host, JOB_PATH, params, timeout, authorization, JobStateReply.class).join();
    } catch (CompletionException e) {
      throw unwrap(e);
    }
  }

  @Override
  public CompletableFuture<RangeReply> range(
      HostInfo host,
      StoreDef<String, ?> store,
      String from,
      String to,
      int limitPerPartition,
      String authorization) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("store", store.name());
    params.put("from", from);
    params.put("to", to);
    params.put("limit", Integer.toString(limitPerPartition));
    return send(host, RANGE_PATH, params, requestTimeout, authorization, RangeReply.class);
  }

  @Override
  public CompletableFuture<CountsReply> distinctUsers(
      HostInfo host, String fromDay, String toDay, String authorization) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("from", fromDay);
    params.put("to", toDay);
    return send(
        host, DISTINCT_USERS_PATH, params, requestTimeout, authorization, CountsReply.class);
  }

  private <T> CompletableFuture<T> send(
      HostInfo host,
      String path,
      Map<String, String> params,
      Duration timeout,
      String authorization,
      Class<T> type) {
    StringBuilder uri = new StringBuilder("http://").append(host.host()).append(':');
    uri.append(host.port()).append(path);
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      uri.append(sep).append(p.getKey()).append('=');
      uri.append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri.toString()))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header(ServiceCredential.HEADER, credential.value())
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw new QueryUnavailableException(
                    Reason.OWNER_UNREACHABLE,
                    "Instance " + host + " is unreachable: " + describe(failure),
                    failure);
              }
              return decode(host, response, type);
            });
  }

  private <T> T decode(HostInfo host, HttpResponse<byte[]> response, Class<T> type) {
    int status = response.statusCode();
    if (status == 200) {
      try {
        return json.readValue(response.body(), type);
      } catch (RuntimeException e) {
        throw new QueryUnavailableException(
            Reason.OWNER_UNREACHABLE, "Instance " + host + " answered an unreadable body", e);
      }
    }
    Reason reason = Reason.OWNER_UNREACHABLE;
    String message = "Instance " + host + " answered " + status;
    if (status == 503) {
      try {
        Map<?, ?> body = json.readValue(response.body(), Map.class);
        Object error = body.get("error");
        if (error != null) {
          reason = Reason.valueOf(error.toString().toUpperCase(java.util.Locale.ROOT));
        }
        Object text = body.get("message");
        if (text != null) {
          message = "Instance " + host + ": " + text;
        }
      } catch (RuntimeException ignored) {
        // keep the generic reason
      }
    }
    throw new QueryUnavailableException(reason, message);
  }

  private static String describe(Throwable failure) {
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String name = t instanceof IOException ? t.getClass().getSimpleName() : t.toString();
    return t.getMessage() == null ? name : name + " " + t.getMessage();
  }

  private static RuntimeException unwrap(CompletionException e) {
    return e.getCause() instanceof RuntimeException r ? r : e;
  }
}
