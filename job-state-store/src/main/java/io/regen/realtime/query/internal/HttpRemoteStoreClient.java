package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.streams.StoreDef;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link RemoteStoreClient} over HTTP/1.1 with Jetty's client: a pool of persistent connections per
 * owner (at most {@value #MAX_CONNECTIONS_PER_OWNER}), a short connect timeout (a dead owner is
 * noticed quickly), a per-request timeout, JSON bodies. A 503 from the remote keeps its reason;
 * anything else that is not the expected answer becomes OWNER_UNREACHABLE. Jetty's client and not
 * the JDK's: every forwarded read crosses it, and the JDK's costs more CPU per request (a hop to
 * its selector thread and one to its executor per exchange; docs/performance.md, session 7).
 * Thread-safe; {@link #close} stops its threads and connections.
 */
public final class HttpRemoteStoreClient implements RemoteStoreClient, AutoCloseable {
  /** Paths of the internal endpoints (served by {@code InternalQueryController}). */
  public static final String JOB_PATH = "/internal/query/job";

  /** The job read's parameter that leaves the response text out (absent: with the text). */
  public static final String WITH_RESPONSE = "withResponse";

  public static final String RANGE_PATH = "/internal/query/range";
  public static final String DISTINCT_USERS_PATH = "/internal/query/distinct-users";

  /** Connections kept to one owner: the request threads waiting on it at once, bounded. */
  static final int MAX_CONNECTIONS_PER_OWNER = 64;

  /**
   * No bound on a reply's body, like the JDK client's {@code ofByteArray} before (below {@code
   * Integer.MAX_VALUE} Jetty's buffering listener sizes its first buffer by the bound when it has
   * no pool); range replies are bounded by {@code max-range-entries} on the owner.
   */
  static final int UNBOUNDED_REPLY = Integer.MAX_VALUE;

  /**
   * Idle connections are closed by this side first: below the owner's listener idle timeout
   * (Jetty's 30 s), so a request is never written into a connection the owner is closing.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);

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
    this.json = JsonMapper.builder().build();
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.positionWait = Objects.requireNonNull(positionWait, "positionWait");
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("regen-query-client");
    threads.setDaemon(true);
    this.http = new HttpClient();
    http.setExecutor(threads);
    http.setConnectTimeout(connectTimeout.toMillis());
    http.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    http.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_OWNER);
    http.setFollowRedirects(false);
    http.setUserAgentField(null);
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("the query client did not start", e);
    }
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
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      // stopping: nothing left to answer
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
    Request request =
        http.newRequest(uri.toString())
            .method(HttpMethod.GET)
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .headers(
                h -> {
                  h.put(HttpHeader.ACCEPT, "application/json");
                  h.put(ServiceCredential.HEADER, credential.value());
                  if (authorization != null) {
                    h.put(HttpHeader.AUTHORIZATION, authorization);
                  }
                });
    CompletableFuture<ContentResponse> sent;
    try {
      sent = new CompletableResponseListener(request, UNBOUNDED_REPLY).send();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (response, failure) -> {
          if (failure != null) {
            throw new QueryUnavailableException(
                Reason.OWNER_UNREACHABLE,
                "Instance " + host + " is unreachable: " + describe(failure),
                failure);
          }
          return decode(host, response.getStatus(), response.getContent(), type);
        });
  }

  private <T> T decode(HostInfo host, int status, byte[] body, Class<T> type) {
    if (status == 200) {
      try {
        return json.readValue(body, type);
      } catch (RuntimeException e) {
        throw new QueryUnavailableException(
            Reason.OWNER_UNREACHABLE, "Instance " + host + " answered an unreadable body", e);
      }
    }
    Reason reason = Reason.OWNER_UNREACHABLE;
    String message = "Instance " + host + " answered " + status;
    if (status == 503) {
      try {
        Map<?, ?> error = json.readValue(body, Map.class);
        Object code = error.get("error");
        if (code != null) {
          reason = Reason.valueOf(code.toString().toUpperCase(java.util.Locale.ROOT));
        }
        Object text = error.get("message");
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
