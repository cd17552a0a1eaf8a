package io.regen.realtime.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.regen.realtime.schemas.LogPosition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link QueryApiJobDirectory} against a real HTTP server over a socket that answers {@code
 * /api/job/{id}/state} as the query API does.
 */
class QueryApiJobDirectoryTest extends JobDirectoryContract {
  private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final List<String> authHeaders = new CopyOnWriteArrayList<>();
  private final List<String> queries = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @Override
  protected JobDirectory directoryOf(Map<String, JobRecord> known) throws IOException {
    jobs.putAll(known);
    return new QueryApiJobDirectory(start(), Duration.ofSeconds(5));
  }

  private java.util.function.Supplier<String> start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/job/",
        exchange -> {
          authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          queries.add(String.valueOf(exchange.getRequestURI().getQuery()));
          String path = exchange.getRequestURI().getPath();
          String jobId = path.substring("/api/job/".length(), path.length() - "/state".length());
          int status = statuses.getOrDefault(jobId, jobs.containsKey(jobId) ? 200 : 404);
          String body = status == 200 ? stateJson(jobId, jobs.get(jobId)) : "{}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return () -> "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void forwardsTheCallersBearerTokenAndOnlyIt() throws Exception {
    JobDirectory directory = directoryOf(Map.of("j", LOCATED));
    directory.find("j", "tok-1").join();
    directory.find("j", null).join();
    assertThat(authHeaders).containsExactly("Bearer tok-1", "null");
  }

  @Test
  void asksForTheStateWithoutTheResponseText() throws Exception {
    JobDirectory directory = directoryOf(Map.of("j", LOCATED));
    assertThat(directory.find("j", "t").join()).contains(LOCATED);
    assertThat(queries).containsExactly("withResponse=false");
  }

  @Test
  void aRefusalIsForbiddenAndAnythingElseUnavailable() throws Exception {
    JobDirectory directory = directoryOf(Map.of("secret", LOCATED, "broken", LOCATED));
    statuses.put("secret", 403);
    statuses.put("broken", 503);
    assertThatThrownBy(() -> directory.find("secret", "t").join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            JobLookupException.class,
            e -> assertThat(e.reason()).isEqualTo(JobLookupException.Reason.FORBIDDEN));
    assertThatThrownBy(() -> directory.locate("broken", "t").join())
        .cause()
        .isInstanceOfSatisfying(
            JobLookupException.class,
            e -> assertThat(e.reason()).isEqualTo(JobLookupException.Reason.UNAVAILABLE));
  }

  @Test
  void anUnreachableOrUnconfiguredApiIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    JobDirectory unreachable =
        new QueryApiJobDirectory(() -> "http://127.0.0.1:" + closedPort, Duration.ofSeconds(2));
    JobDirectory unconfigured =
        new QueryApiJobDirectory(
            () -> {
              throw new IllegalStateException("no port yet");
            },
            Duration.ofSeconds(2));
    for (JobDirectory directory : List.of(unreachable, unconfigured)) {
      assertThatThrownBy(() -> directory.find("j", "t").join())
          .cause()
          .isInstanceOfSatisfying(
              JobLookupException.class,
              e -> assertThat(e.reason()).isEqualTo(JobLookupException.Reason.UNAVAILABLE));
    }
  }

  @Test
  void parsesTheQueryApiStateJson() {
    assertThat(
            QueryApiJobDirectory.parse(
                "{\"userId\":\"u\",\"jobType\":\"model\",\"firstPosition\":{\"partition\":3,"
                    + "\"offset\":5},\"lastPosition\":{\"partition\":3,\"offset\":9},"
                    + "\"position\":\"v1.3.9\"}"))
        .isEqualTo(new JobRecord("u", "model", new LogPosition(3, 5), new LogPosition(3, 9)));
    assertThat(
            QueryApiJobDirectory.parse(
                "{\"userId\":\"u\",\"firstPosition\":{\"partition\":3,\"offset\":5},"
                    + "\"lastPosition\":null}"))
        .isEqualTo(new JobRecord("u", "", new LogPosition(3, 5), null));
    assertThat(QueryApiJobDirectory.parse("{\"userId\":\"u\",\"firstPosition\":null}").located())
        .isFalse();
    assertThatThrownBy(() -> QueryApiJobDirectory.parse("{\"jobId\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String stateJson(String jobId, JobRecord job) {
    return "{\"jobId\":\""
        + jobId
        + "\",\"userId\":\""
        + job.userId()
        + "\",\"jobType\":\""
        + job.jobType()
        + "\",\"status\":\"RUNNING\",\"firstPosition\":"
        + position(job.firstPosition())
        + ",\"lastPosition\":"
        + position(job.lastPosition())
        + "}";
  }

  private static String position(LogPosition p) {
    return p == null
        ? "null"
        : "{\"partition\":" + p.partition() + ",\"offset\":" + p.offset() + "}";
  }
}
