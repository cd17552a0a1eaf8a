package io.regen.realtime.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.gateway.testapp.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replay limits over real sockets: the per-user cap shared by WebSocket replay and NDJSON history,
 * and the write timeout that cuts a history client that never reads and gives its slot back.
 */
class ReplayLimitsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int PER_USER = 3; // not the default: the setting binds

  /** Size of each event's progress message: few events fill the TCP buffers. */
  private static final int BIG = 4000;

  /** Four times the largest TCP send buffer in NDJSON: a history that is never read must block. */
  private static final int JOB_EVENTS = (int) Math.max(3000, 4 * maxSendBufferBytes() / BIG);

  private static E2eGateway e2e;
  private static E2eKafka kafka;
  private static GatewayNode gateway;
  private static HttpClient http;
  private static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void startAll() {
    e2e =
        E2eGateway.start(
            Map.of(
                "regen.gateway.replay.per-user",
                Integer.toString(PER_USER),
                "regen.gateway.replay.readers",
                "5",
                "regen.gateway.replay.write-timeout",
                "4s",
                // Only the write timeout may cut a stalled history here: not Jetty's idle timeout,
                // nor the servlet async timeout (30 s by default), which also end a response.
                "server.jetty.connection-idle-timeout",
                "10m",
                "spring.mvc.async.request-timeout",
                "10m"));
    kafka = e2e.kafka;
    gateway = e2e.gateway;
    http = e2e.http;
  }

  @AfterAll
  static void stopAll() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @Test
  @Timeout(120)
  void theExtraReplayOfAUserIsBusyWhileOthersAreServedAndAStalledHistoryIsCutAndItsSlotReturned()
      throws Exception {
    String owner = E2eKafka.newUser("capped");
    String other = E2eKafka.newUser("other");
    String job = UUID.randomUUID().toString();
    String otherJob = UUID.randomUUID().toString();
    WsConnection liveTab = connect(owner); // sees the job live: the node knows where it starts
    WsConnection otherTab = connect(other);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < JOB_EVENTS; i++) {
      acks.add(kafka.sendNext(owner, job, BIG));
    }
    kafka.awaitAll(acks);
    kafka.publish(other, otherJob, 20);
    await().atMost(Duration.ofSeconds(60)).until(() -> liveTab.eventCount() >= 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> otherTab.eventCount() >= 20);
    WsConnection ownerTab = connect(owner); // after the flood: only replay frames arrive here

    // PER_USER histories whose clients never read: each holds one of the owner's slots.
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < PER_USER; i++) {
      stalled.add(stalledHistory(owner, job));
    }

    // One more replay of the owner is refused with replay_busy; another user is served meanwhile.
    String busyId = "busy-" + ids.incrementAndGet();
    ownerTab.send(replay(busyId, job, JOB_EVENTS - 5));
    JsonNode refused = ownerTab.nextOther();
    assertThat(refused.path("type").asString()).isEqualTo("error");
    assertThat(refused.path("code").asString()).isEqualTo("replay_busy");
    assertThat(refused.path("id").asString()).isEqualTo(busyId);
    // The same over REST: 429 with Retry-After and the typed code, nothing streamed.
    HttpResponse<String> refusedRest =
        http.send(
            HttpRequest.newBuilder(gateway.http("/api/job/" + job + "/events"))
                .header("Authorization", "Bearer " + TestTokens.valid(owner))
                .timeout(Duration.ofSeconds(15))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refusedRest.statusCode()).isEqualTo(429);
    assertThat(refusedRest.headers().firstValue("Retry-After")).contains("1");
    assertThat(JSON.readTree(refusedRest.body()).path("error").asString()).isEqualTo("replay_busy");
    String servedId = "served-" + ids.incrementAndGet();
    otherTab.send(replay(servedId, otherJob, 0));
    assertThat(replayEnd(otherTab, servedId).path("count").asLong()).isEqualTo(20);

    // The write timeout cuts the stalled histories: the owner's slots come back.
    await("the owner may replay again")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              String id = "again-" + ids.incrementAndGet();
              ownerTab.send(replay(id, job, JOB_EVENTS - 5));
              JsonNode f = replayEnd(ownerTab, id);
              return f.path("type").asString().equals("replay_end")
                  && f.path("count").asLong() == 5;
            });
    // Each stalled response was cut: it ends before the terminating chunk, short of the job.
    for (Socket s : stalled) {
      String rest = readToEnd(s);
      assertThat(rest).doesNotEndWith("0\r\n\r\n");
      assertThat(rest.split("\n").length).isLessThan(JOB_EVENTS);
      s.close();
    }
  }

  private static long maxSendBufferBytes() {
    try {
      String[] wmem = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
      return Long.parseLong(wmem[wmem.length - 1]);
    } catch (IOException | RuntimeException e) {
      return 4L << 20;
    }
  }

  private static String replay(String id, String job, long fromSeq) {
    return "{\"type\":\"replay\",\"id\":\""
        + id
        + "\",\"jobId\":\""
        + job
        + "\",\"fromSeq\":"
        + fromSeq
        + "}";
  }

  /**
   * Sends {@code GET /api/job/{job}/events} on a raw socket with a tiny receive buffer, reads the
   * status line (the slot is taken before it is sent), then never reads again.
   */
  private static Socket stalledHistory(String user, String job) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
    String request =
        "GET /api/job/"
            + job
            + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TestTokens.valid(user)
            + "\r\n\r\n";
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    StringBuilder status = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      status.append((char) b);
    }
    assertThat(status.toString()).startsWith("HTTP/1.1 200");
    return s;
  }

  /** Reads until the server ends the connection (EOF or reset). */
  private static String readToEnd(Socket s) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    try {
      InputStream in = s.getInputStream();
      int n;
      while ((n = in.read(buf)) != -1) {
        all.write(buf, 0, n);
      }
    } catch (IOException e) {
      // reset by the server: the response was cut
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** The replay's {@code replay_end}, or the error refusing it. */
  private static JsonNode replayEnd(WsConnection c, String id) {
    while (true) {
      JsonNode f = c.nextOther();
      if (id.equals(f.path("id").asString())
          && (f.path("type").asString().equals("replay_end")
              || f.path("type").asString().equals("error"))) {
        return f;
      }
    }
  }

  private static WsConnection connect(String user) {
    return WsConnection.connect(http, gateway.ws(), user, TestTokens.valid(user), null);
  }
}
