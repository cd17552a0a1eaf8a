package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.EventDelivery.Subscription;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.testapp.DeliveryKafka;
import io.regen.realtime.gateway.testapp.TestSession;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaEventDeliveryIT {
  private static DeliveryKafka kafka;
  private final List<KafkaEventDelivery> deliveries = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    kafka = new DeliveryKafka();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @AfterEach
  void closeDeliveries() {
    deliveries.forEach(KafkaEventDelivery::close);
  }

  private KafkaEventDelivery delivery(Topic<String, JobEvent> topic, DeliveryProperties props) {
    KafkaEventDelivery d =
        new KafkaEventDelivery(
            topic,
            kafka.clients(),
            kafka.deserializer(),
            props,
            new DeliveryMetrics(new SimpleMeterRegistry()),
            new InMemoryJobDirectory(1000));
    d.start();
    deliveries.add(d);
    return d;
  }

  private KafkaEventDelivery delivery(Topic<String, JobEvent> topic) {
    return delivery(topic, DeliveryProperties.defaults());
  }

  private static List<String> expected(String jobId, long from, long to) {
    List<String> out = new ArrayList<>();
    for (long s = from; s < to; s++) {
      out.add(jobId + ":" + s);
    }
    return out;
  }

  private static Subscription connect(EventDelivery d, TestSession s, String cursor) {
    Subscription sub = d.subscribe(s, cursor);
    sub.start();
    return sub;
  }

  /** Users whose events land on different partitions, so the test covers several partitions. */
  private static String[] usersOnDistinctPartitions(int n) {
    String[] users = new String[n];
    java.util.Set<Integer> used = new java.util.HashSet<>();
    int found = 0;
    for (int i = 0; found < n; i++) {
      String u = "user-" + i;
      if (used.add(UserPartitioner.partitionOf(u, DeliveryKafka.PARTITIONS))) {
        users[found++] = u;
      }
    }
    return users;
  }

  @Test
  void subscribingBeforeStartOrAfterCloseIsRefusedAndCloseWithoutStartReleasesTheClients() {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d =
        new KafkaEventDelivery(
            topic,
            kafka.clients(),
            kafka.deserializer(),
            DeliveryProperties.defaults(),
            new DeliveryMetrics(new SimpleMeterRegistry()),
            null);
    TestSession session = new TestSession("not-started");
    assertThatThrownBy(() -> d.subscribe(session, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
    d.close();
    d.start(); // after close: stays closed
    assertThatThrownBy(() -> d.subscribe(session, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(session.received()).isEmpty();
  }

  @Test
  void anUnsubscribeWhileTheSubscribeIsPendingLeavesNothingRegisteredAndDeliversNothing() {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String user = "pending-user";
    kafka.publish(topic, user, "job-p", 0, 10);
    List<TestSession> sessions = new ArrayList<>();
    List<CompletableFuture<Subscription>> subscribes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      TestSession s = new TestSession(user);
      sessions.add(s);
      // Resuming from the start, so a session that slipped through would be sent all ten.
      subscribes.add(d.subscribeAsync(s, new LogPosition(partitionOf(user), 0).toCursor()));
      d.unsubscribe(s); // the connection closed before its look-ups came back
    }
    CompletableFuture<?>[] all = subscribes.toArray(CompletableFuture[]::new);
    await().atMost(Duration.ofSeconds(30)).until(() -> CompletableFuture.allOf(all).isDone());
    for (CompletableFuture<Subscription> f : subscribes) {
      // Either the unsubscribe came first (cancelled) or the subscribe (then it was removed).
      if (!f.isCompletedExceptionally()) {
        f.join().start();
      }
    }
    assertThat(d.sessionCount()).isZero();
    TestSession control = new TestSession(user);
    connect(d, control, new LogPosition(partitionOf(user), 0).toCursor());
    await().atMost(Duration.ofSeconds(30)).until(() -> control.received().size() == 9);
    assertThat(d.sessionCount()).isEqualTo(1);
    assertThat(sessions).allSatisfy(s -> assertThat(s.received()).isEmpty());
  }

  private static int partitionOf(String user) {
    return UserPartitioner.partitionOf(user, DeliveryKafka.PARTITIONS);
  }

  @Test
  void twoUsersWithSeveralTabsEachReceiveExactlyTheirOwnEventsInOrder() {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String[] users = usersOnDistinctPartitions(2);
    String alice = users[0];
    String bob = users[1];
    List<TestSession> aliceTabs = List.of(new TestSession(alice), new TestSession(alice));
    List<TestSession> bobTabs =
        List.of(new TestSession(bob), new TestSession(bob), new TestSession(bob));
    aliceTabs.forEach(s -> connect(d, s, null));
    bobTabs.forEach(s -> connect(d, s, null));
    await().until(() -> d.assignedPartitions().size() == 2);
    // A third user, not connected here, shares nothing with them.
    String carol = "carol-not-connected";

    for (int i = 0; i < 200; i++) {
      kafka.sendAsync(topic, DeliveryKafka.event(alice, "job-a", i));
      kafka.sendAsync(topic, DeliveryKafka.event(bob, "job-b", i));
      kafka.sendAsync(topic, DeliveryKafka.event(carol, "job-c", i));
    }
    kafka.producer().flush();

    List<String> aliceExpected = expected("job-a", 0, 200);
    List<String> bobExpected = expected("job-b", 0, 200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (TestSession s : aliceTabs) {
                assertThat(s.keys()).isEqualTo(aliceExpected);
              }
              for (TestSession s : bobTabs) {
                assertThat(s.keys()).isEqualTo(bobExpected);
              }
            });
    // Frames carry cursors of the user's partition, increasing.
    TestSession tab = aliceTabs.get(0);
    int p = UserPartitioner.partitionOf(alice, DeliveryKafka.PARTITIONS);
    long previous = -1;
    for (var frame : tab.events()) {
      LogPosition pos = LogPosition.fromCursor(frame.get("cursor").asString());
      assertThat(pos.partition()).isEqualTo(p);
      assertThat(pos.offset()).isGreaterThan(previous);
      previous = pos.offset();
      assertThat(frame.get("type").asString()).isEqualTo("event");
      assertThat(frame.get("event").get("data")).isNotNull();
    }
    // Last tab of a partition leaves: the partition is released.
    aliceTabs.forEach(d::unsubscribe);
    await()
        .until(
            () ->
                d.assignedPartitions()
                    .equals(
                        java.util.Set.of(
                            UserPartitioner.partitionOf(bob, DeliveryKafka.PARTITIONS))));
  }

  @Test
  void resumeDeliversExactlyTheMissedEventsThenLiveWithoutGapOrDuplicate() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String user = "resumer";
    TestSession first = new TestSession(user);
    Subscription sub = connect(d, first, null);
    assertThat(sub.resumed()).isFalse();
    await().until(() -> !d.assignedPartitions().isEmpty());
    kafka.publish(topic, user, "job-r", 0, 100);
    await().until(() -> first.receivedCount() == 100);
    String cursor = first.lastCursor();
    first.drop();
    d.unsubscribe(first);

    // 500 more while away; other users' events interleave on the same topic.
    kafka.publish(topic, user, "job-r", 100, 600);
    kafka.publish(topic, "someone-else", "job-x", 0, 300);

    // Keep publishing while the catch-up runs, to exercise the hand-over.
    CompletableFuture<Void> concurrent =
        CompletableFuture.runAsync(() -> kafka.publish(topic, user, "job-r", 600, 1600));
    TestSession second = new TestSession(user, 100_000);
    Subscription resumed = connect(d, second, cursor);
    assertThat(resumed.resumed()).isTrue();
    concurrent.get(60, TimeUnit.SECONDS);
    kafka.publish(topic, user, "job-r", 1600, 1700);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(second.receivedCount()).isGreaterThanOrEqualTo(1600));
    assertThat(second.keys()).isEqualTo(expected("job-r", 100, 1700));
    assertThat(d.metrics().resumeCount(true)).isEqualTo(1.0);
  }

  @Test
  void handOverUnderSustainedFloodHasNoGapNoDuplicate() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String user = "flooded";
    TestSession anchor = new TestSession(user, 100_000);
    connect(d, anchor, null);
    await().until(() -> !d.assignedPartitions().isEmpty());
    kafka.publish(topic, user, "job-f", 0, 10);
    await().until(() -> anchor.receivedCount() == 10);
    String cursor = anchor.lastCursor();

    // Several resumes from the same cursor while a producer floods the partition.
    var flood =
        CompletableFuture.runAsync(
            () -> {
              for (int batch = 0; batch < 20; batch++) {
                kafka.publish(topic, user, "job-f", 10 + batch * 200L, 10 + (batch + 1) * 200L);
              }
            });
    List<TestSession> resumers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      TestSession s = new TestSession(user, 100_000);
      resumers.add(s);
      assertThat(connect(d, s, cursor).resumed()).isTrue();
    }
    flood.get(60, TimeUnit.SECONDS);
    List<String> all = expected("job-f", 10, 4010);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (TestSession s : resumers) {
                assertThat(s.receivedCount()).isGreaterThanOrEqualTo(4000);
              }
            });
    for (TestSession s : resumers) {
      assertThat(s.keys()).isEqualTo(all);
    }
  }

  @Test
  void cursorBelowLogStartIsNotResumedAndDeliveryStartsLive() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic(Map.of("segment.bytes", "1048576"));
    KafkaEventDelivery d = delivery(topic);
    String user = "old-cursor";
    int p = UserPartitioner.partitionOf(user, DeliveryKafka.PARTITIONS);
    kafka.publish(topic, user, "job-o", 0, 50);
    String oldCursor = new LogPosition(p, 10).toCursor();
    // Retention: the log start moves past the cursor.
    TopicPartition tp = new TopicPartition(topic.name(), p);
    kafka.broker.doWithAdmin(
        admin -> {
          try {
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40))).all().get();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    TestSession s = new TestSession(user);
    Subscription sub = connect(d, s, oldCursor);
    assertThat(sub.resumed()).isFalse();
    assertThat(sub.latestCursor()).isEqualTo(new LogPosition(p, 49).toCursor());
    // Live from now: old events are not sent, new ones are.
    kafka.publish(topic, user, "job-o", 50, 60);
    await().untilAsserted(() -> assertThat(s.keys()).isEqualTo(expected("job-o", 50, 60)));
    assertThat(d.metrics().resumeCount(false)).isEqualTo(1.0);

    // A cursor beyond the end and a garbled one are not resumed either.
    TestSession t = new TestSession(user);
    assertThat(d.subscribe(t, new LogPosition(p, 10_000).toCursor()).resumed()).isFalse();
    assertThat(d.subscribe(new TestSession(user), "garbage").resumed()).isFalse();
    // A cursor exactly at log start - 1 loses nothing: resumed.
    TestSession u = new TestSession(user);
    assertThat(connect(d, u, new LogPosition(p, 39).toCursor()).resumed()).isTrue();
    await()
        .untilAsserted(
            () -> {
              List<String> want = expected("job-o", 40, 60);
              assertThat(u.keys()).isEqualTo(want);
            });
  }

  @Test
  void anotherUsersCursorDeliversNothingOfTheOtherUser() {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String[] users = usersOnDistinctPartitions(2);
    String victim = users[0];
    String attacker = users[1];
    // Also a user on the attacker's own partition... the victim's events are what matter.
    kafka.publish(topic, victim, "secret", 0, 100);
    int victimPartition = UserPartitioner.partitionOf(victim, DeliveryKafka.PARTITIONS);
    TestSession s = new TestSession(attacker);
    Subscription sub = connect(d, s, new LogPosition(victimPartition, 0).toCursor());
    assertThat(sub.resumed()).isFalse();
    kafka.publish(topic, victim, "secret", 100, 150);
    kafka.publish(topic, attacker, "mine", 0, 5);
    await().untilAsserted(() -> assertThat(s.keys()).isEqualTo(expected("mine", 0, 5)));

    // Same partition as the victim but another user: a cursor on the right partition still
    // yields only the attacker's own events.
    String sameP = null;
    for (int i = 0; sameP == null; i++) {
      String u = "neighbour-" + i;
      if (UserPartitioner.partitionOf(u, DeliveryKafka.PARTITIONS) == victimPartition) {
        sameP = u;
      }
    }
    TestSession n = new TestSession(sameP);
    assertThat(connect(d, n, new LogPosition(victimPartition, 0).toCursor()).resumed()).isTrue();
    kafka.publish(topic, sameP, "neighbour-job", 0, 3);
    await().untilAsserted(() -> assertThat(n.keys()).isEqualTo(expected("neighbour-job", 0, 3)));
  }

  @Test
  void undecodableRecordsAreSkippedAndCountedWithoutStoppingDelivery() throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String user = "robust";
    TestSession s = new TestSession(user);
    connect(d, s, null);
    await().until(() -> !d.assignedPartitions().isEmpty());
    kafka.publish(topic, user, "job-1", 0, 3);
    try (var raw =
        new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
            Map.of("bootstrap.servers", kafka.bootstrap()),
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topic.name(), user, new byte[] {0, 0, 0, 0, 99, 1, 2})).get();
      raw.send(new ProducerRecord<>(topic.name(), user, "not avro".getBytes())).get();
    }
    kafka.publish(topic, user, "job-1", 3, 6);
    await().untilAsserted(() -> assertThat(s.keys()).isEqualTo(expected("job-1", 0, 6)));
    assertThat(d.metrics().undecodableCount()).isEqualTo(2.0);
  }

  @Test
  void restartWith200SessionsResubscribingWithCursorsLosesAndDuplicatesNothing() throws Exception {
    restartResubscribing(200, 40);
  }

  @Test
  void restartWith1000SessionsResubscribingAtOnceAllReceiveAgainQuickly() throws Exception {
    restartResubscribing(1000, 12);
  }

  /**
   * {@code users} sessions receive a flow of events; the delivery is closed mid-flow and a new one
   * started; every client re-subscribes with its last cursor, concurrently (as clients reconnecting
   * to a restarted gateway do). Nothing may be lost or duplicated, and every client must be
   * receiving again within a bound.
   */
  private void restartResubscribing(int users, int rounds) throws Exception {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery before = delivery(topic);
    List<TestSession> first = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      TestSession s = new TestSession("restart-user-" + u, 10_000);
      connect(before, s, null);
      first.add(s);
    }
    CompletableFuture<Void> flow =
        CompletableFuture.runAsync(
            () -> {
              for (int round = 0; round < rounds; round++) {
                for (int u = 0; u < users; u++) {
                  kafka.sendAsync(
                      topic, DeliveryKafka.event("restart-user-" + u, "job-" + u, round));
                }
                kafka.producer().flush();
              }
            });
    // Restart mid-flow, once every session has received something.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> first.stream().allMatch(x -> x.receivedCount() >= 2));
    before.close();
    KafkaEventDelivery after = delivery(topic);
    List<TestSession> second = new ArrayList<>();
    long reconnectStart = System.nanoTime();
    List<CompletableFuture<Boolean>> resumed = new ArrayList<>();
    java.util.concurrent.ExecutorService reconnecting =
        java.util.concurrent.Executors.newFixedThreadPool(32);
    try {
      for (TestSession old : first) {
        old.drop();
        TestSession s = new TestSession(old.userId(), 10_000);
        second.add(s);
        resumed.add(
            CompletableFuture.supplyAsync(
                () -> connect(after, s, old.lastCursor()).resumed(), reconnecting));
      }
      for (CompletableFuture<Boolean> r : resumed) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      reconnecting.shutdown();
    }
    long subscribedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reconnectStart);
    // Every client receives again soon after reconnecting: the catch-up reads each partition once
    // for all the sessions resuming on it. (Measured ~0.3 s on an idle 2-core box; the bound is
    // generous for loaded CI machines.)
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              for (int u = 0; u < users; u++) {
                if (second.get(u).receivedCount() == 0 && first.get(u).receivedCount() < rounds) {
                  return false;
                }
              }
              return true;
            });
    long receivingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reconnectStart);
    flow.get(120, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> {
              for (int u = 0; u < users; u++) {
                assertThat(first.get(u).receivedCount() + second.get(u).receivedCount())
                    .isGreaterThanOrEqualTo(rounds);
              }
            });
    long caughtUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reconnectStart);
    System.out.printf(
        "restart: %d sessions re-subscribed in %d ms, all receiving again after %d ms,"
            + " all caught up after %d ms%n",
        users, subscribedMs, receivingMs, caughtUpMs);
    for (int u = 0; u < users; u++) {
      List<String> all = new ArrayList<>(first.get(u).keys());
      all.addAll(second.get(u).keys());
      assertThat(all).as("user %d", u).isEqualTo(expected("job-" + u, 0, rounds));
    }
  }

  @Test
  void slowSessionStaysBoundedThenCatchesUpWhileFastTabIsUnaffected() {
    Topic<String, JobEvent> topic = kafka.newTopic();
    KafkaEventDelivery d = delivery(topic);
    String user = "two-tabs";
    int capacity = 50;
    TestSession fast = new TestSession(user, 100_000);
    TestSession slow = new TestSession(user, capacity);
    connect(d, fast, null);
    connect(d, slow, null);
    await().until(() -> !d.assignedPartitions().isEmpty());
    slow.stopDraining();

    kafka.publish(topic, user, "job-s", 0, 5_000);
    List<String> all = expected("job-s", 0, 5_000);
    // The fast tab gets everything while the slow one is still stalled.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(fast.keys()).isEqualTo(all));
    assertThat(slow.isOpen()).isTrue();
    assertThat(slow.pendingFrames()).isLessThanOrEqualTo(capacity);
    assertThat(slow.maxPending()).isLessThanOrEqualTo(capacity);
    assertThat(d.metrics().slowFallbackCount()).isGreaterThanOrEqualTo(1.0);

    // It reads again: caught up from the topic, exactly once each, in order, then live.
    slow.drain();
    kafka.publish(topic, user, "job-s", 5_000, 5_100);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              slow.drain();
              assertThat(slow.receivedCount()).isGreaterThanOrEqualTo(5_100);
            });
    assertThat(slow.keys()).isEqualTo(expected("job-s", 0, 5_100));
    assertThat(slow.maxPending()).isLessThanOrEqualTo(capacity);
    await().untilAsserted(() -> assertThat(fast.keys()).isEqualTo(expected("job-s", 0, 5_100)));
  }

  @Test
  void sessionStayingBehindPastTheLimitIsClosedWith4009AndOthersAreUnaffected() {
    Topic<String, JobEvent> topic = kafka.newTopic();
    DeliveryProperties strict =
        new DeliveryProperties(
            null, null, 0, 0, null, Duration.ofMillis(500), 0, 0, 0, null, null, 0);
    KafkaEventDelivery d = delivery(topic, strict);
    String user = "stalled";
    TestSession fast = new TestSession(user, 100_000);
    TestSession stalled = new TestSession(user, 20);
    TestSession otherUser = new TestSession("bystander", 100_000);
    connect(d, fast, null);
    connect(d, stalled, null);
    connect(d, otherUser, null);
    await().until(() -> d.assignedPartitions().size() >= 1 && d.sessionCount() == 3);
    stalled.stopDraining();

    CompletableFuture<Void> flood =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 10; i++) {
                kafka.publish(topic, user, "job-t", i * 500L, (i + 1) * 500L);
                kafka.publish(topic, "bystander", "job-b", i * 50L, (i + 1) * 50L);
              }
            });
    await().atMost(Duration.ofSeconds(60)).until(() -> stalled.closeCode() == 4009);
    flood.join();
    assertThat(stalled.maxPending()).isLessThanOrEqualTo(20);
    assertThat(d.metrics().slowCloseCount()).isEqualTo(1.0);
    await().until(() -> d.sessionCount() == 2);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(fast.keys()).isEqualTo(expected("job-t", 0, 5_000));
              assertThat(otherUser.keys()).isEqualTo(expected("job-b", 0, 500));
            });
  }
}
