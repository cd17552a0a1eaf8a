package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis stopped or hung mid-test: presence calls fail fast with {@link
 * PresenceUnavailableException}, nothing piles up, and presence recovers by itself when the same
 * redis-server port answers again.
 */
@Timeout(90)
class RedisOutageIT {
  private static final Duration FAST = Duration.ofMillis(500);
  private static final Duration TTL = Duration.ofSeconds(3);

  private RedisServerProcess redis;
  private RedisPresenceRegistry registry;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    meters = new SimpleMeterRegistry();
    registry =
        new RedisPresenceRegistry(
            new RedisPresenceSettings(
                redis.url(),
                TTL,
                Duration.ofMillis(250),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                64,
                "outage:",
                null),
            meters);
    await().atMost(Duration.ofSeconds(10)).until(registry::isConnected);
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  void redisStoppedFailsFastBuffersNothingAndRecoversByItself() throws Exception {
    registry.connected("alice", "s1", "node-1");
    assertThat(registry.presence("alice").online()).isTrue();

    redis.stop();

    for (int round = 0; round < 3; round++) {
      assertFailsFast(() -> registry.connected("bob", "s2", "node-1"));
      assertFailsFast(() -> registry.disconnected("alice", "s1", "node-1"));
      assertFailsFast(() -> registry.heartbeat("node-1"));
      assertFailsFast(() -> registry.presence("alice"));
      assertFailsFast(() -> registry.onlineUsers());
    }
    // Many calls while down, from several threads: each fails fast, none is kept for later.
    int failed =
        callConcurrently(2_000, 4, i -> registry.connected("ghost-" + i, "g" + i, "node-1"));
    assertThat(failed).isEqualTo(2_000);

    redis.restart();

    await("presence answers again after the restart")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(PresenceUnavailableException.class)
        .until(() -> registry.onlineUsers() == 0);
    // Nothing issued during the outage reached Redis afterwards.
    assertThat(registry.presence("ghost-7").lastSeen()).isNull();
    assertThat(registry.presence("bob").lastSeen()).isNull();
    registry.connected("carol", "s3", "node-1");
    assertThat(registry.presence("carol").online()).isTrue();
    assertThat(registry.heartbeat("node-1")).isEqualTo(1);
    assertThat(failureCount()).isGreaterThanOrEqualTo(2_000 + 15);
  }

  @Test
  void hungRedisTimesOutFastAndInFlightCommandsStayBounded() throws Exception {
    registry.connected("alice", "s1", "node-1");

    redis.pause();
    try {
      assertFailsFast(() -> registry.presence("alice"));
      assertFailsFast(() -> registry.heartbeat("node-1"));
      // Timed-out commands stay queued until Redis answers; once 64 (the bound) are waiting, new
      // ones are refused at once. Every call still ends within the bound.
      long start = System.nanoTime();
      int failed = callConcurrently(400, 8, i -> registry.presence("user-" + i));
      assertThat(failed).isEqualTo(400);
      // Had every call waited its 250 ms, 400 calls on 8 threads would take 12.5 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    } finally {
      redis.resume();
    }

    await("presence answers again once Redis resumes")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(PresenceUnavailableException.class)
        .until(() -> registry.presence("alice").online());
  }

  @Test
  void recorderNeverBlocksDuringTheOutageAndResyncsAfterRedisLostItsData() {
    try (PresenceRecorder recorder =
        new PresenceRecorder(registry, "node-1", Duration.ofMillis(300), 10_000, meters)) {
      recorder.start();
      recorder.opened("alice", "s1");
      recorder.opened("bob", "s2");
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.presence("bob").online());

      redis.stop();

      long start = System.nanoTime();
      recorder.opened("carol", "s3");
      recorder.closed("bob", "s2");
      for (int i = 0; i < 1_000; i++) {
        recorder.opened("churn-" + i, "c" + i);
        recorder.closed("churn-" + i, "c" + i);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
      await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.storeAvailable());

      redis.restart(); // comes back empty: the node must register its sessions again

      await("presence converges to this node's sessions")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(PresenceUnavailableException.class)
          .untilAsserted(
              () -> {
                assertThat(registry.presence("alice").online()).isTrue();
                assertThat(registry.presence("carol").online()).isTrue();
                assertThat(registry.presence("bob").online()).isFalse();
                assertThat(registry.onlineUsers()).isEqualTo(2);
                assertThat(recorder.pendingChanges()).isZero();
              });
      assertThat(recorder.storeAvailable()).isTrue();
    }
  }

  @Test
  void redisDownAtStartIsNotFatalAndPresenceWorksOnceItComesUp() {
    try (RedisServerProcess later = RedisServerProcess.notStarted();
        RedisPresenceRegistry early =
            new RedisPresenceRegistry(
                RedisPresenceSettings.of(later.url(), TTL).withKeyPrefix("early:"), meters)) {
      assertFailsFast(() -> early.presence("alice"));
      assertFailsFast(() -> early.connected("alice", "s1", "node-1"));

      later.restart();

      await("the first connection is retried until Redis answers")
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(PresenceUnavailableException.class)
          .untilAsserted(
              () -> {
                early.connected("alice", "s1", "node-1");
                assertThat(early.presence("alice").online()).isTrue();
              });
    }
  }

  private void assertFailsFast(ThrowingCallable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call).isInstanceOf(PresenceUnavailableException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
  }

  /** Runs {@code calls} presence calls on {@code threads}; each must end within {@link #FAST}. */
  private int callConcurrently(int calls, int threads, java.util.function.IntConsumer call)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger failed = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        int n = i;
        done.add(
            pool.submit(
                () -> {
                  long start = System.nanoTime();
                  try {
                    call.accept(n);
                  } catch (PresenceUnavailableException expected) {
                    failed.incrementAndGet();
                  }
                  assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return failed.get();
  }

  private double failureCount() {
    return meters.find("regen.presence.failures").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
