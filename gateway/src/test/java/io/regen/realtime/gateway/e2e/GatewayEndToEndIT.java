package io.regen.realtime.gateway.e2e;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.e2e.E2eKafka.Produced;
import io.regen.realtime.gateway.presence.RedisServerProcess;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.gateway.ws.SessionRegistry;
import io.regen.realtime.gateway.ws.SessionSweeper;
import io.regen.realtime.gateway.ws.WebSocketClientSession;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.testsupport.RawWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance tests through the whole gateway: real WebSocket clients over sockets, the
 * auto-configured Spring Boot gateway (Jetty, the real {@code KafkaEventDelivery}, presence in a
 * real {@code redis-server}), a real in-process KRaft broker whose {@code jobs.events.v1} has 12
 * partitions, and a producer writing {@code JobEvent}s (key = userId) with the project's registry
 * serde. Every received stream is compared with what the broker acknowledged for that user.
 *
 * <p>One gateway is shared by the tests that do not stop it; the restart test runs its own two.
 * Users are random per test, so tests never see each other's events.
 */
class GatewayEndToEndIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int QUEUE_FRAMES = 256;

  /** WebSocketClientSession's allowance for protocol control frames past the event bound. */
  private static final int CONTROL_ALLOWANCE = 64;

  private static final String SLOW_MAX_BEHIND = "6s";

  /** Size of the big events the slow-client tests flood with (a ~4 KB progress message). */
  private static final int BIG = 4000;

  private static E2eGateway e2e;
  private static E2eKafka kafka;
  private static RedisServerProcess redis;
  private static GatewayNode gateway;
  private static HttpClient http;

  private final List<AutoCloseable> toClose = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startAll() {
    e2e =
        E2eGateway.start(
            Map.of(
                "regen.presence.ttl",
                "5s",
                "regen.presence.heartbeat-interval",
                "500ms",
                "regen.gateway.outbound-queue-frames",
                Integer.toString(QUEUE_FRAMES),
                "regen.gateway.delivery.slow-max-behind",
                SLOW_MAX_BEHIND));
    kafka = e2e.kafka;
    redis = e2e.redis;
    gateway = e2e.gateway;
    http = e2e.http;
  }

  @AfterAll
  static void stopAll() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @AfterEach
  void closeClients() {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    toClose.clear();
  }

  // ------------------------------------------------------------------ 1. users and tabs

  @Test
  @Timeout(60)
  void eachTabReceivesExactlyItsOwnUsersEventsInOrder() {
    // Same partition for both: only the per-key filtering keeps their streams apart.
    int partition = ThreadLocalRandom.current().nextInt(E2eKafka.PARTITIONS);
    String alice = E2eKafka.newUserOn("alice", partition);
    String bob = E2eKafka.newUserOn("bob", partition);
    List<WsConnection> aliceTabs = new ArrayList<>();
    List<WsConnection> bobTabs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      aliceTabs.add(connect(gateway, alice, null));
    }
    for (int i = 0; i < 2; i++) {
      bobTabs.add(connect(gateway, bob, null));
    }

    String aliceJob1 = UUID.randomUUID().toString();
    String aliceJob2 = UUID.randomUUID().toString();
    String bobJob = UUID.randomUUID().toString();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      acks.add(kafka.sendNext(alice, aliceJob1));
      acks.add(kafka.sendNext(bob, bobJob));
      acks.add(kafka.sendNext(alice, aliceJob2));
    }
    kafka.awaitAll(acks);
    List<String> aliceEvents = kafka.producedEventIds(alice);
    List<String> bobEvents = kafka.producedEventIds(bob);
    assertThat(aliceEvents).hasSize(300);
    assertThat(bobEvents).hasSize(150);

    assertReceivesExactly(aliceTabs, aliceEvents);
    assertReceivesExactly(bobTabs, bobEvents);
    for (WsConnection tab : aliceTabs) {
      assertThat(tab.events()).allMatch(e -> !e.jobId().equals(bobJob));
      assertInLogOrder(tab.events(), partition);
    }
    for (WsConnection tab : bobTabs) {
      assertThat(tab.events()).allMatch(e -> e.jobId().equals(bobJob));
      assertInLogOrder(tab.events(), partition);
    }
    // Nothing more (no duplicate, nothing of the other user) trickles in afterwards.
    assertNoMoreEvents(aliceTabs, 300);
    assertNoMoreEvents(bobTabs, 150);

    // A new tab of bob resuming from a cursor of alice's (same partition) catches up on bob's
    // events after that position only — never alice's.
    WsConnection.Event aliceFirst = aliceTabs.get(0).events().get(0);
    long from = LogPosition.fromCursor(aliceFirst.cursor()).offset();
    WsConnection bobResumed = connect(gateway, bob, aliceFirst.cursor());
    List<String> bobAfter =
        kafka.producedFor(bob).stream()
            .filter(p -> p.offset() > from)
            .map(Produced::eventId)
            .toList();
    assertThat(bobAfter).hasSizeGreaterThan(100);
    awaitCount(bobResumed, bobAfter.size());
    assertThat(bobResumed.eventIds()).containsExactlyElementsOf(bobAfter);
    assertNoMoreEvents(List.of(bobResumed), bobAfter.size());
  }

  // ------------------------------------------------------------------ 2. resume

  @Test
  @Timeout(60)
  void resumeDeliversExactlyTheMissedEventsThenLiveAndRefusesACursorBelowTheLogStart()
      throws Exception {
    String carol = E2eKafka.newUser("carol");
    String job = UUID.randomUUID().toString();
    WsConnection first = connect(gateway, carol, null);
    kafka.publish(carol, job, 20);
    awaitCount(first, 20);
    String cursor = first.lastCursor();
    first.abort(); // dropped mid-job, no closing handshake

    kafka.publish(carol, job, 500);
    List<Produced> all = kafka.producedFor(carol);
    List<String> missed = ids(all.subList(20, 520));

    WsConnection again = connect(gateway, carol, cursor);
    JsonNode welcome = again.welcome().join();
    assertThat(welcome.path("resumed").asBoolean()).isTrue();
    assertThat(welcome.path("cursor").asString())
        .isEqualTo(new LogPosition(all.get(519).partition(), all.get(519).offset()).toCursor());
    awaitCount(again, 500);
    assertThat(again.eventIds()).containsExactlyElementsOf(missed);
    assertThat(again.events().stream().map(WsConnection.Event::seq).toList())
        .isEqualTo(LongStream.range(20, 520).boxed().toList());

    // Then live, still without a gap or a duplicate.
    kafka.publish(carol, job, 30);
    List<String> expected = ids(kafka.producedFor(carol).subList(20, 550));
    awaitCount(again, 530);
    assertThat(again.eventIds()).containsExactlyElementsOf(expected);
    assertThat(new HashSet<>(again.eventIds())).hasSize(530);
    assertNoMoreEvents(List.of(again), 530);
    again.close();

    // Retention (here: deleteRecords) moves the log start past the old cursor → resumed:false.
    Produced last = kafka.producedFor(carol).get(549);
    TopicPartition tp = new TopicPartition(Topics.JOB_EVENTS.name(), last.partition());
    kafka
        .admin()
        .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(last.offset())))
        .all()
        .get(10, TimeUnit.SECONDS);
    WsConnection stale = connect(gateway, carol, cursor);
    assertThat(stale.welcome().join().path("resumed").asBoolean()).isFalse();
    // The cursor just below the new log start lost nothing: it still resumes.
    String boundary = new LogPosition(last.partition(), last.offset() - 1).toCursor();
    WsConnection edge = connect(gateway, carol, boundary);
    assertThat(edge.welcome().join().path("resumed").asBoolean()).isTrue();
    awaitCount(edge, 1);
    assertThat(edge.eventIds()).containsExactly(last.eventId());
    // Cursors that cannot be honoured: beyond the end, another partition's, not a cursor at all.
    List<WsConnection> notResumed = new ArrayList<>(List.of(stale));
    for (String bad :
        List.of(
            new LogPosition(last.partition(), last.offset() + 1_000_000).toCursor(),
            new LogPosition((last.partition() + 1) % E2eKafka.PARTITIONS, 0).toCursor(),
            "not-a-cursor")) {
      WsConnection c = connect(gateway, carol, bad);
      assertThat(c.welcome().join().path("resumed").asBoolean()).as(bad).isFalse();
      notResumed.add(c);
    }
    // Not-resumed clients continue live from now.
    kafka.publish(carol, job, 5);
    List<String> newest = ids(kafka.producedFor(carol).subList(550, 555));
    for (WsConnection c : notResumed) {
      awaitCount(c, 5);
      assertThat(c.eventIds()).containsExactlyElementsOf(newest);
    }
    awaitCount(edge, 6);
    assertThat(edge.eventIds().subList(1, 6)).containsExactlyElementsOf(newest);
  }

  // ------------------------------------------------------------------ 3. gateway restart

  @Test
  @Timeout(150)
  void gatewayRestartWith200ConnectedClientsLosesAndDuplicatesNothing() throws Exception {
    int users = 100;
    int tabsPerUser = 2;
    int port = freePort();
    List<String> userIds = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      userIds.add(E2eKafka.newUser("restart" + i));
    }
    Map<String, String> settings = Map.of("regen.node-id", "e2e-restart");
    GatewayNode before =
        GatewayNode.start(kafka.bootstrapServers(), kafka.registry, port, settings);
    GatewayNode after = null;
    ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    try {
      List<List<WsConnection>> tabs = new ArrayList<>(); // per tab: its connections in order
      List<CompletableFuture<WsConnection>> opening = new ArrayList<>();
      for (String user : userIds) {
        for (int t = 0; t < tabsPerUser; t++) {
          opening.add(open(before, user, null));
        }
      }
      for (CompletableFuture<WsConnection> f : opening) {
        WsConnection c = f.get(30, TimeUnit.SECONDS);
        assertThat(c.welcome().get(30, TimeUnit.SECONDS).path("type").asString())
            .isEqualTo("welcome");
        tabs.add(new ArrayList<>(List.of(c)));
      }

      // ~1,000 events/s over the 100 users, until told to stop.
      Map<String, String> jobs = new HashMap<>();
      userIds.forEach(u -> jobs.put(u, UUID.randomUUID().toString()));
      AtomicInteger next = new AtomicInteger();
      AtomicLong sent = new AtomicLong();
      producer.scheduleAtFixedRate(
          () -> {
            for (int i = 0; i < 10; i++) {
              String user = userIds.get(Math.floorMod(next.getAndIncrement(), users));
              kafka.sendNext(user, jobs.get(user));
              sent.incrementAndGet();
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);
      await("events flowing to every tab")
          .atMost(Duration.ofSeconds(30))
          .until(() -> tabs.stream().allMatch(t -> t.get(0).eventCount() >= 3));

      long stopStart = System.nanoTime();
      before.close();
      double stopMillis = (System.nanoTime() - stopStart) / 1e6;
      await("every client closed by the stopping gateway")
          .atMost(Duration.ofSeconds(30))
          .until(() -> tabs.stream().allMatch(t -> t.get(0).isClosed()));
      List<Integer> closeCodes = tabs.stream().map(t -> t.get(0).closed().join()).toList();
      long sentAtStop = sent.get();

      long startStart = System.nanoTime();
      after = GatewayNode.start(kafka.bootstrapServers(), kafka.registry, port, settings);
      double startMillis = (System.nanoTime() - startStart) / 1e6;
      long sentWhileDown = sent.get() - sentAtStop;

      List<CompletableFuture<WsConnection>> reopening = new ArrayList<>();
      for (List<WsConnection> tab : tabs) {
        WsConnection old = tab.get(0);
        reopening.add(open(after, old.userId, old.lastCursor()));
      }
      for (int i = 0; i < tabs.size(); i++) {
        WsConnection c = reopening.get(i).get(30, TimeUnit.SECONDS);
        tabs.get(i).add(c);
        JsonNode welcome = c.welcome().get(30, TimeUnit.SECONDS);
        assertThat(welcome.path("type").asString()).isEqualTo("welcome");
        assertThat(welcome.path("resumed").asBoolean()).as(c.userId).isTrue();
      }
      await("every reconnected tab receives events again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> tabs.stream().allMatch(t -> t.get(1).eventCount() >= 3));

      producer.shutdown();
      assertThat(producer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      kafka.flush();
      await("every produced event acknowledged")
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> userIds.stream().mapToLong(u -> kafka.producedFor(u).size()).sum(),
              n -> n == sent.get() || kafka.failedSends() > 0);
      assertThat(kafka.failedSends()).as("failed sends: %s", kafka.firstFailure()).isZero();

      await("every tab has every event of its user")
          .atMost(Duration.ofSeconds(40))
          .until(
              () ->
                  tabs.stream()
                      .allMatch(
                          t ->
                              t.get(0).eventCount() + t.get(1).eventCount()
                                  >= kafka.producedFor(t.get(0).userId).size()));
      for (List<WsConnection> tab : tabs) {
        List<String> received = new ArrayList<>(tab.get(0).eventIds());
        received.addAll(tab.get(1).eventIds());
        assertThat(received)
            .as("events of %s across the restart", tab.get(0).userId)
            .containsExactlyElementsOf(kafka.producedEventIds(tab.get(0).userId));
      }
      List<WsConnection> reconnected = tabs.stream().map(t -> t.get(1)).toList();
      assertNoMoreEvents(reconnected, -1); // -1: compare with the counts at the time of the call

      List<Double> toWelcome = reconnected.stream().map(WsConnection::millisToFirstFrame).toList();
      List<Double> toEvent = reconnected.stream().map(WsConnection::millisToFirstEvent).toList();
      long total = sent.get();
      System.out.printf(
          Locale.ROOT,
          "[e2e restart] %d clients (%d users x %d tabs), %d events produced (%d while no"
              + " gateway was up); close codes %s; context stop %.0f ms, start %.0f ms%n"
              + "[e2e restart] reconnect -> welcome (first frame): %s%n"
              + "[e2e restart] reconnect -> first event frame:    %s%n",
          tabs.size(),
          users,
          tabsPerUser,
          total,
          sentWhileDown,
          new TreeMap<>(closeCodes.stream().collect(groupingBy(c -> c, counting()))),
          stopMillis,
          startMillis,
          stats(toWelcome),
          stats(toEvent));
      System.out.println(
          "[e2e restart] every client, reconnect -> welcome (ms): " + rounded(toWelcome));
      System.out.println(
          "[e2e restart] every client, reconnect -> first event (ms): " + rounded(toEvent));
      assertThat(closeCodes)
          .as("the stopping gateway drains: 4012 reconnect now")
          .containsOnly(CloseCode.RECONNECT_NOW.code());
      assertThat(toWelcome).allMatch(ms -> ms >= 0 && ms < 10_000);
      assertThat(toEvent).allMatch(ms -> ms >= 0 && ms < 10_000);
      reconnected.forEach(WsConnection::close);
    } finally {
      producer.shutdownNow();
      before.close();
      if (after != null) {
        after.close();
      }
    }
  }

  @Test
  @Timeout(120)
  void aDrainingGatewayClosesWithReconnectNowAndRefusesHandshakesSoClientsResumeOnAnother()
      throws Exception {
    String user = E2eKafka.newUser("drain");
    String job = UUID.randomUUID().toString();
    GatewayNode draining =
        GatewayNode.start(
            kafka.bootstrapServers(), kafka.registry, 0, Map.of("regen.node-id", "e2e-drain-a"));
    GatewayNode other =
        GatewayNode.start(
            kafka.bootstrapServers(), kafka.registry, 0, Map.of("regen.node-id", "e2e-drain-b"));
    try {
      WsConnection first = open(draining, user, null).get(30, TimeUnit.SECONDS);
      assertThat(first.welcome().get(30, TimeUnit.SECONDS).path("type").asString())
          .isEqualTo("welcome");
      for (int i = 0; i < 5; i++) {
        kafka.sendNext(user, job);
      }
      awaitCount(first, 5);

      // What GatewayTimers does when the application stops (SIGTERM), before the web server goes.
      draining.bean(SessionSweeper.class).closeAll();

      assertThat(first.closed().get(30, TimeUnit.SECONDS))
          .isEqualTo(CloseCode.RECONNECT_NOW.code());
      assertThatThrownBy(() -> open(draining, user, null).get(30, TimeUnit.SECONDS))
          .as("a draining gateway takes no new connection")
          .hasCauseInstanceOf(WebSocketHandshakeException.class)
          .satisfies(
              e ->
                  assertThat(
                          ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                      .isEqualTo(503));
      for (int i = 0; i < 5; i++) {
        kafka.sendNext(user, job);
      }
      WsConnection second = open(other, user, first.lastCursor()).get(30, TimeUnit.SECONDS);
      assertThat(second.welcome().get(30, TimeUnit.SECONDS).path("resumed").asBoolean()).isTrue();
      awaitCount(second, 5);
      List<String> received = new ArrayList<>(first.eventIds());
      received.addAll(second.eventIds());
      assertThat(received).containsExactlyElementsOf(kafka.producedEventIds(user));
    } finally {
      draining.close();
      other.close();
    }
  }

  // ------------------------------------------------------------------ 4. Redis outage

  @Test
  @Timeout(60)
  void redisOutageLeavesDeliveryAndAuthAloneAndPresenceFailsFastThenRecovers() {
    String dan = E2eKafka.newUser("dan");
    String danJob = UUID.randomUUID().toString();
    WsConnection danTab = connect(gateway, dan, null);
    await("presence in Redis")
        .atMost(Duration.ofSeconds(10))
        .until(() -> presenceOf(dan).path("connections").asInt() == 1);

    redis.stop();

    kafka.publish(dan, danJob, 50);
    awaitCount(danTab, 50);
    assertThat(danTab.eventIds()).containsExactlyElementsOf(kafka.producedEventIds(dan));

    String erin = E2eKafka.newUser("erin");
    WsConnection erinTab = connect(gateway, erin, null);
    assertThat(erinTab.welcome().join().path("userId").asString()).isEqualTo(erin);
    kafka.publish(erin, UUID.randomUUID().toString(), 20);
    awaitCount(erinTab, 20);
    assertThat(erinTab.eventIds()).containsExactlyElementsOf(kafka.producedEventIds(erin));

    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> r = presence(dan);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      millis.add(ms);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(r.body()).path("error").asString())
          .isEqualTo("presence_unavailable");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
    System.out.println("[e2e redis] presence during the outage answered 503 in (ms): " + millis);
    // Fails fast: no call waits for a reconnect or the 5 s HTTP timeout. The bound is the
    // 250 ms command timeout with room for a loaded machine (500 ms failed at load 18: 534 ms).
    assertThat(millis).allMatch(ms -> ms < 2_000);

    // Delivery after the failed presence calls is still unaffected.
    kafka.publish(dan, danJob, 10);
    awaitCount(danTab, 60);
    assertThat(danTab.eventIds()).containsExactlyElementsOf(kafka.producedEventIds(dan));

    redis.restart();
    await("presence answers again by itself, with both sessions registered again")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              HttpResponse<String> d = presence(dan);
              HttpResponse<String> e = presence(erin);
              return d.statusCode() == 200
                  && e.statusCode() == 200
                  && JSON.readTree(d.body()).path("connections").asInt() == 1
                  && JSON.readTree(e.body()).path("connections").asInt() == 1;
            });
    assertThat(presenceOf(dan).path("online").asBoolean()).isTrue();
  }

  // ------------------------------------------------------------------ 5. slow client

  @Test
  @Timeout(90)
  void aClientThatStopsReadingStaysBoundedGets4009AndResumesWhileAFastClientGetsEverything()
      throws Exception {
    String slow = E2eKafka.newUser("slow");
    String fast = E2eKafka.newUserNotOn("fast", E2eKafka.partitionOf(slow));
    WsConnection fastTab = connect(gateway, fast, null);
    // Another tab of the same user that does read: it must get the whole flood.
    WsConnection readingTab = connect(gateway, slow, null);

    // Reads the welcome, then nothing: a 4 KB receive window holds about one frame.
    RawWebSocket stuck = RawWebSocket.connect("127.0.0.1", gateway.port(), "/ws", 4096);
    toClose.add(stuck);
    stuck.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(slow) + "\"}");
    JsonNode welcome = JSON.readTree(stuck.read().text());
    assertThat(welcome.path("type").asString()).isEqualTo("welcome");
    String stuckSession = welcome.path("sessionId").asString();

    DeliveryMetrics metrics = gateway.bean(DeliveryMetrics.class);
    SessionRegistry sessions = gateway.bean(SessionRegistry.class);
    double fallbacksBefore = metrics.slowFallbackCount();
    double closesBefore = metrics.slowCloseCount();
    // It reads again as soon as the server has decided to close it: the close frame can only
    // follow the backlog, and a connection whose close is not flushed within the sweeper's grace
    // (5 s) is dropped without one. Reading only after the checks below let that grace run out
    // on a loaded machine (EOF instead of 4009).
    CompletableFuture<StuckReading> stuckReading =
        CompletableFuture.supplyAsync(
            () -> {
              await("the server decides to close the stuck client")
                  .atMost(Duration.ofSeconds(60))
                  .pollInterval(Duration.ofMillis(20))
                  .until(() -> metrics.slowCloseCount() > closesBefore);
              return StuckReading.readUntilClose(stuck);
            });
    AtomicInteger maxPending = new AtomicInteger();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> {
          for (WebSocketClientSession s : sessions.all()) {
            if (stuckSession.equals(s.sessionId())) {
              maxPending.accumulateAndGet(s.pendingFrames(), Math::max);
            }
          }
        },
        0,
        5,
        TimeUnit.MILLISECONDS);
    try {
      String slowJob = UUID.randomUUID().toString();
      String fastJob = UUID.randomUUID().toString();
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      // Frames of ~4 KB, far more than the kernel's socket buffers can take (the server's send
      // buffer autotunes up to net.ipv4.tcp_wmem's max; the client's window is 4 KB) plus the
      // session's bound: 16 MB with the usual 4 MB maximum.
      int flood = Math.max(4000, (int) (4 * maxSendBufferBytes() / BIG));
      for (int i = 0; i < flood; i++) {
        acks.add(kafka.sendNext(slow, slowJob, BIG));
        if (i % 20 == 0) {
          acks.add(kafka.sendNext(fast, fastJob));
        }
      }
      kafka.awaitAll(acks);
      List<String> fastEvents = kafka.producedEventIds(fast);
      assertThat(fastEvents).hasSize((flood + 19) / 20);

      // The fast client of another user gets everything, in order, promptly.
      awaitCount(fastTab, fastEvents.size());
      assertThat(fastTab.eventIds()).containsExactlyElementsOf(fastEvents);
      List<Double> fastLatency =
          fastTab.events().stream().map(e -> (double) e.latencyMillis()).toList();
      System.out.println(
          "[e2e slow] fast client's delivery latency during the flood: " + stats(fastLatency));
      assertThat(fastLatency).allMatch(ms -> ms < 5_000);
      List<String> slowUsersEvents = kafka.producedEventIds(slow);
      awaitCount(readingTab, slowUsersEvents.size());
      assertThat(readingTab.eventIds()).containsExactlyElementsOf(slowUsersEvents);

      await("the stuck client fell back to catching up (buffer peak " + maxPending + ")")
          .atMost(Duration.ofSeconds(20))
          .until(() -> metrics.slowFallbackCount() > fallbacksBefore);
      await("the stuck client closed with 4009 after slow-max-behind")
          .atMost(Duration.ofSeconds(30))
          .until(() -> metrics.slowCloseCount() > closesBefore);
    } finally {
      sampler.shutdownNow();
    }
    System.out.printf(
        Locale.ROOT,
        "[e2e slow] stuck session's outbound buffer peaked at %d frames (bound %d)%n",
        maxPending.get(),
        QUEUE_FRAMES);
    assertThat(maxPending.get())
        .as("the server's buffer for the stuck client filled up and stayed bounded")
        .isBetween(QUEUE_FRAMES / 2, QUEUE_FRAMES + CONTROL_ALLOWANCE);

    // What got through is a gapless prefix of its events, then the 4009 close.
    List<Produced> slowEvents = kafka.producedFor(slow);
    StuckReading reading = stuckReading.get(60, TimeUnit.SECONDS);
    List<String> received = reading.received();
    String lastCursor = reading.lastCursor();
    int closeCode = reading.closeCode();
    System.out.printf(
        Locale.ROOT,
        "[e2e slow] the stuck client had %d of %d events in flight when closed with %d%n",
        received.size(),
        slowEvents.size(),
        closeCode);
    assertThat(closeCode).isEqualTo(4009);
    assertThat(received).isNotEmpty().hasSizeLessThan(slowEvents.size());
    assertThat(received).containsExactlyElementsOf(ids(slowEvents.subList(0, received.size())));

    // Reconnecting with its cursor brings exactly the rest.
    WsConnection resumed = connect(gateway, slow, lastCursor);
    assertThat(resumed.welcome().join().path("resumed").asBoolean()).isTrue();
    int rest = slowEvents.size() - received.size();
    awaitCount(resumed, rest);
    assertThat(resumed.eventIds())
        .containsExactlyElementsOf(ids(slowEvents.subList(received.size(), slowEvents.size())));
  }

  @Test
  @Timeout(60)
  void aClientThatStallsBrieflyCatchesUpFromTheTopicWithoutGapOrDuplicateAndGoesLive()
      throws Exception {
    String user = E2eKafka.newUser("stall");
    String job = UUID.randomUUID().toString();
    RawWebSocket client = RawWebSocket.connect("127.0.0.1", gateway.port(), "/ws", 4096);
    toClose.add(client);
    client.sendText("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(user) + "\"}");
    assertThat(JSON.readTree(client.read().text()).path("type").asString()).isEqualTo("welcome");
    DeliveryMetrics metrics = gateway.bean(DeliveryMetrics.class);
    double fallbacksBefore = metrics.slowFallbackCount();
    double closesBefore = metrics.slowCloseCount();

    // ~6 MB while it does not read: its buffer overflows, delivery falls back to the topic.
    int flood = Math.max(1500, (int) (1.5 * maxSendBufferBytes() / BIG));
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < flood; i++) {
      acks.add(kafka.sendNext(user, job, BIG));
    }
    kafka.awaitAll(acks);
    await("the stalled client fell back to catching up")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> metrics.slowFallbackCount() > fallbacksBefore);

    // It reads again (well within slow-max-behind) while events keep coming: the catch-up hands
    // over to live delivery under load.
    ScheduledExecutorService more = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger extra = new AtomicInteger();
    more.scheduleAtFixedRate(
        () -> {
          if (extra.getAndIncrement() < 300) {
            kafka.sendNext(user, job, 200);
          }
        },
        0,
        2,
        TimeUnit.MILLISECONDS);
    List<String> received = new ArrayList<>();
    try {
      while (received.size() < flood + 300) {
        RawWebSocket.Frame f = client.read();
        assertThat(f.opcode()).as("no close while catching up").isNotEqualTo(8);
        if (f.opcode() == RawWebSocket.Frame.TEXT) {
          JsonNode frame = JSON.readTree(f.text());
          assertThat(frame.path("type").asString()).isEqualTo("event");
          received.add(frame.path("event").path("eventId").asString());
        }
      }
    } finally {
      more.shutdownNow();
    }
    kafka.flush();
    assertThat(received).containsExactlyElementsOf(kafka.producedEventIds(user));
    assertThat(metrics.slowCloseCount()).isEqualTo(closesBefore);

    // Live again: one more event arrives promptly and nothing else.
    kafka.publish(user, job, 1);
    RawWebSocket.Frame last = client.read();
    assertThat(JSON.readTree(last.text()).path("event").path("eventId").asString())
        .isEqualTo(kafka.producedFor(user).get(flood + 300).eventId());
  }

  // ------------------------------------------------------------------ replay over the socket

  @Test
  @Timeout(60)
  void replayOverTheSocketStreamsTheJobFromTheTopicAmidLiveEventsForOwnerAndAnalystOnly() {
    String owner = E2eKafka.newUser("owner");
    String job = UUID.randomUUID().toString();
    WsConnection tab = connect(gateway, owner, null);
    kafka.publish(owner, job, 2000); // seen live by this node: it knows where the job starts
    awaitCount(tab, 2000);

    tab.send("{\"type\":\"replay\",\"id\":\"rp1\",\"jobId\":\"" + job + "\",\"fromSeq\":0}");
    kafka.publish(owner, UUID.randomUUID().toString(), 50); // live frames interleave
    List<JsonNode> replayed = replayFrames(tab, "rp1");
    assertThat(replayed).hasSize(2001);
    JsonNode end = replayed.get(2000);
    assertThat(end.path("type").asString()).isEqualTo("replay_end");
    assertThat(end.path("jobId").asString()).isEqualTo(job);
    assertThat(end.path("count").asLong()).isEqualTo(2000);
    assertThat(
            replayed.subList(0, 2000).stream().map(f -> f.path("event").path("eventId").asString()))
        .containsExactlyElementsOf(kafka.producedEventIds(owner).subList(0, 2000));
    awaitCount(tab, 2050);
    assertThat(tab.eventIds()).containsExactlyElementsOf(kafka.producedEventIds(owner));

    tab.send("{\"type\":\"replay\",\"id\":\"rp2\",\"jobId\":\"" + job + "\",\"fromSeq\":1990}");
    List<JsonNode> tail = replayFrames(tab, "rp2");
    assertThat(tail.subList(0, 10).stream().map(f -> f.path("event").path("seq").asLong()))
        .containsExactly(1990L, 1991L, 1992L, 1993L, 1994L, 1995L, 1996L, 1997L, 1998L, 1999L);
    assertThat(tail.get(10).path("count").asLong()).isEqualTo(10);

    String stranger = E2eKafka.newUser("stranger");
    WsConnection strangerTab = connect(gateway, stranger, null);
    strangerTab.send("{\"type\":\"replay\",\"id\":\"x\",\"jobId\":\"" + job + "\"}");
    JsonNode refused = strangerTab.nextOther();
    assertThat(refused.path("type").asString()).isEqualTo("error");
    assertThat(refused.path("code").asString()).isEqualTo("forbidden");
    assertThat(refused.path("id").asString()).isEqualTo("x");

    String analystId = E2eKafka.newUser("analyst");
    WsConnection analyst =
        WsConnection.connect(
            http,
            gateway.ws(),
            analystId,
            TestTokens.withRoles(analystId, List.of("analyst")),
            null);
    toClose.add(analyst);
    analyst.send("{\"type\":\"replay\",\"id\":\"a1\",\"jobId\":\"" + job + "\",\"fromSeq\":1999}");
    List<JsonNode> analystReplay = replayFrames(analyst, "a1");
    assertThat(analystReplay).hasSize(2);
    assertThat(analystReplay.get(0).path("event").path("seq").asLong()).isEqualTo(1999);
    assertThat(analystReplay.get(1).path("count").asLong()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ helpers

  /** The replay's frames up to and including its {@code replay_end}. */
  private static List<JsonNode> replayFrames(WsConnection c, String replayId) {
    List<JsonNode> out = new ArrayList<>();
    while (true) {
      JsonNode f = c.nextOther();
      if (f.path("type").asString().equals("error")) {
        throw new AssertionError("replay refused: " + f);
      }
      if (replayId.equals(f.path("replay").asString())
          || replayId.equals(f.path("id").asString())) {
        out.add(f);
        if (f.path("type").asString().equals("replay_end")) {
          return out;
        }
      }
    }
  }

  private WsConnection connect(GatewayNode node, String userId, String cursor) {
    WsConnection c =
        WsConnection.connect(http, node.ws(), userId, TestTokens.valid(userId), cursor);
    toClose.add(c);
    return c;
  }

  private CompletableFuture<WsConnection> open(GatewayNode node, String userId, String cursor) {
    return WsConnection.open(http, node.ws(), userId, TestTokens.valid(userId), cursor)
        .thenApply(
            c -> {
              toClose.add(c);
              return c;
            });
  }

  /** What a client that stopped reading gets once it reads again, up to the server's close. */
  private record StuckReading(List<String> received, String lastCursor, int closeCode) {
    static StuckReading readUntilClose(RawWebSocket socket) {
      List<String> received = new ArrayList<>();
      String lastCursor = null;
      try {
        while (true) {
          RawWebSocket.Frame f = socket.read();
          if (f.opcode() == RawWebSocket.Frame.CLOSE) {
            socket.close();
            return new StuckReading(received, lastCursor, f.closeCode());
          }
          if (f.opcode() == RawWebSocket.Frame.TEXT) {
            JsonNode frame = JSON.readTree(f.text());
            if ("event".equals(frame.path("type").asString())) {
              received.add(frame.path("event").path("eventId").asString());
              lastCursor = frame.path("cursor").asString();
            }
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(
            "the stuck client's connection ended after " + received.size() + " events", e);
      }
    }
  }

  private static void awaitCount(WsConnection c, int count) {
    await(c.userId + " receives " + count + " events")
        .atMost(Duration.ofSeconds(30))
        .until(() -> c.eventCount() >= count);
  }

  private static void assertReceivesExactly(List<WsConnection> tabs, List<String> expected) {
    for (WsConnection tab : tabs) {
      awaitCount(tab, expected.size());
      assertThat(tab.eventIds()).containsExactlyElementsOf(expected);
    }
  }

  /** Cursors name the user's partition and strictly increasing offsets. */
  private static void assertInLogOrder(List<WsConnection.Event> events, int partition) {
    long previous = -1;
    long previousSeq = -1;
    for (WsConnection.Event e : events) {
      LogPosition position = LogPosition.fromCursor(e.cursor());
      assertThat(position.partition()).isEqualTo(partition);
      assertThat(position.offset()).isGreaterThan(previous);
      assertThat(e.seq()).isGreaterThan(previousSeq);
      previous = position.offset();
      previousSeq = e.seq();
    }
  }

  /** For a while, no further event arrives on any of the connections. */
  private static void assertNoMoreEvents(List<WsConnection> connections, int expectedEach) {
    List<Integer> counts =
        connections.stream().map(c -> expectedEach >= 0 ? expectedEach : c.eventCount()).toList();
    await("no further events")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(
            () -> {
              for (int i = 0; i < connections.size(); i++) {
                if (connections.get(i).eventCount() != counts.get(i)) {
                  return false;
                }
              }
              return true;
            });
  }

  private static List<String> ids(List<Produced> produced) {
    return produced.stream().map(Produced::eventId).toList();
  }

  private static HttpResponse<String> presence(String userId) {
    HttpRequest request =
        HttpRequest.newBuilder(gateway.http("/api/presence/" + userId))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + TestTokens.valid(userId))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode presenceOf(String userId) {
    HttpResponse<String> r = presence(userId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<Long> rounded(List<Double> millis) {
    return millis.stream().map(Math::round).toList();
  }

  private static String stats(List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return "n=0";
    }
    return String.format(
        Locale.ROOT,
        "n=%d min %.0f ms, p50 %.0f ms, p99 %.0f ms, max %.0f ms",
        sorted.size(),
        sorted.get(0),
        sorted.get((int) Math.floor(0.50 * (sorted.size() - 1))),
        sorted.get((int) Math.floor(0.99 * (sorted.size() - 1))),
        sorted.get(sorted.size() - 1));
  }

  /** The most a TCP socket's send buffer autotunes to (net.ipv4.tcp_wmem max; 4 MB if unknown). */
  private static long maxSendBufferBytes() {
    try {
      String[] wmem = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
      return Long.parseLong(wmem[wmem.length - 1]);
    } catch (IOException | RuntimeException e) {
      return 4L << 20;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
