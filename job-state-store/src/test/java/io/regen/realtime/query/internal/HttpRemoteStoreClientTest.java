package io.regen.realtime.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.QueryUnavailableException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The instance-to-instance client against a real HTTP server on a socket: what it sends, how it
 * reads every kind of answer (each failure is a {@link QueryUnavailableException} with a reason,
 * never another exception), and that it keeps its connection to an owner.
 */
class HttpRemoteStoreClientTest {
  private static final ServiceCredential CREDENTIAL = ServiceCredential.random();

  private HttpServer server;
  private HostInfo owner;
  private HttpRemoteStoreClient client;
  private final AtomicReference<Answer> answer = new AtomicReference<>();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final AtomicReference<HttpExchange> lastExchange = new AtomicReference<>();
  private final CountDownLatch release = new CountDownLatch(1);

  record Answer(int status, String body, boolean hang) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          clientPorts.add(exchange.getRemoteAddress().getPort());
          lastExchange.set(exchange);
          Answer a = answer.get();
          if (a.hang()) {
            awaitRelease();
          }
          byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(a.status(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    owner = new HostInfo("127.0.0.1", server.getAddress().getPort());
    client =
        new HttpRemoteStoreClient(
            Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(200), CREDENTIAL);
  }

  private void awaitRelease() {
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    client.close();
    server.stop(0);
  }

  @Test
  void readsAFoundJobAndSendsTheCredentialTheTokenAndTheOptions() {
    answer.set(
        new Answer(200, "{\"found\":true,\"value\":\"AAEC\",\"stale\":true,\"lag\":7}", false));
    JobStateReply reply =
        client.jobState(
            owner,
            "job 1/ä",
            3,
            true,
            io.regen.realtime.schemas.LogPosition.fromCursor("v1.3.42"),
            false,
            "Bearer t");
    assertThat(reply).isEqualTo(new JobStateReply(true, "AAEC", true, 7));
    HttpExchange seen = lastExchange.get();
    assertThat(seen.getRequestURI().getPath()).isEqualTo(HttpRemoteStoreClient.JOB_PATH);
    assertThat(seen.getRequestURI().getRawQuery())
        .isEqualTo(
            "jobId=job+1%2F%C3%A4&partition=3&stale=true&minPosition=v1.3.42&"
                + HttpRemoteStoreClient.WITH_RESPONSE
                + "=false");
    assertThat(seen.getRequestHeaders().getFirst(ServiceCredential.HEADER))
        .isEqualTo(CREDENTIAL.value());
    assertThat(seen.getRequestHeaders().getFirst("Authorization")).isEqualTo("Bearer t");
  }

  @Test
  void aRangeAnswerIsDecodedAsynchronously() {
    answer.set(
        new Answer(
            200,
            "{\"partitions\":[0,2],\"entries\":[{\"partition\":2,\"key\":\"k\",\"value\":\"dg==\"}]}",
            false));
    RangeReply reply =
        client.range(owner, io.regen.realtime.streams.Stores.DAU_DAILY, "a", "b", 5, null).join();
    assertThat(reply.partitions()).containsExactly(0, 2);
    assertThat(reply.entries()).containsExactly(new RangeReply.Entry(2, "k", "dg=="));
    assertThat(lastExchange.get().getRequestHeaders().containsKey("Authorization")).isFalse();
  }

  @Test
  void aServiceUnavailableAnswerKeepsTheOwnersReasonAndMessage() {
    answer.set(
        new Answer(503, "{\"error\":\"store_not_ready\",\"message\":\"restoring p3\"}", false));
    assertThatThrownBy(() -> read())
        .isInstanceOfSatisfying(
            QueryUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.STORE_NOT_READY);
              assertThat(e.getMessage()).contains("restoring p3");
            });
  }

  @Test
  void everyOtherAnswerIsAnUnreachableOwner() {
    for (Answer a :
        List.of(
            new Answer(503, "not json", false),
            new Answer(503, "{\"error\":\"no_such_reason\"}", false),
            new Answer(500, "{\"error\":\"internal\"}", false),
            new Answer(404, "{}", false),
            new Answer(200, "{\"found\":", false))) {
      answer.set(a);
      assertThatThrownBy(this::read)
          .as(a.toString())
          .isInstanceOfSatisfying(
              QueryUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.OWNER_UNREACHABLE));
    }
  }

  @Test
  void anOwnerThatDoesNotAnswerInTimeIsUnreachable() {
    answer.set(new Answer(200, "{\"found\":false,\"stale\":false,\"lag\":0}", true));
    assertThatThrownBy(this::read)
        .isInstanceOfSatisfying(
            QueryUnavailableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.OWNER_UNREACHABLE);
              assertThat(e.getMessage()).contains("Timeout");
            });
  }

  @Test
  void consecutiveReadsOfOneOwnerReuseOneConnection() {
    answer.set(new Answer(200, "{\"found\":false,\"stale\":false,\"lag\":0}", false));
    for (int i = 0; i < 50; i++) {
      assertThat(read().found()).isFalse();
    }
    assertThat(clientPorts).hasSize(1);
  }

  @Test
  void aClosedClientAnswersUnreachableNotAnError() {
    answer.set(new Answer(200, "{\"found\":false,\"stale\":false,\"lag\":0}", false));
    client.close();
    assertThatThrownBy(this::read)
        .isInstanceOfSatisfying(
            QueryUnavailableException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OWNER_UNREACHABLE));
  }

  private JobStateReply read() {
    return client.jobState(owner, "j", 0, false, null, true, "Bearer t");
  }
}
