package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PresenceRecorderTest {
  private static final Duration TTL = Duration.ofSeconds(2);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void openedAndClosedSessionsReachTheRegistryUnderThisProcessIncarnation() {
    var registry = new InMemoryPresenceRegistry(TTL);
    try (var recorder =
        new PresenceRecorder(registry, "node-1", Duration.ofMillis(200), 0, meters)) {
      recorder.start();
      assertThat(recorder.presenceNode()).startsWith("node-1~");

      recorder.opened("alice", "s1");
      recorder.opened("alice", "s2");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> registry.presence("alice").connections() == 2);
      assertThat(registry.presence("alice").nodes()).containsExactly(recorder.presenceNode());

      recorder.closed("alice", "s1");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> registry.presence("alice").connections() == 1);
      // Heartbeats keep the remaining session alive past the ttl.
      await()
          .during(TTL.plusMillis(500))
          .atMost(TTL.multipliedBy(3))
          .until(() -> registry.presence("alice").online());
    }
  }

  @Test
  void closeRemovesTheNodesSessions() {
    var registry = new InMemoryPresenceRegistry(TTL);
    var recorder = new PresenceRecorder(registry, "node-1", Duration.ofMillis(200), 0, meters);
    recorder.start();
    recorder.opened("alice", "s1");
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.presence("alice").online());

    recorder.close();

    assertThat(registry.presence("alice").online()).isFalse();
    assertThat(registry.onlineUsers()).isZero();
  }

  @Test
  void twoProcessesWithTheSameNodeIdDoNotShareSessions() {
    var registry = new InMemoryPresenceRegistry(TTL);
    try (var first = new PresenceRecorder(registry, "node-1", Duration.ofMillis(200), 0, meters);
        var second = new PresenceRecorder(registry, "node-1", Duration.ofMillis(200), 0, meters)) {
      assertThat(first.presenceNode()).isNotEqualTo(second.presenceNode());
    }
  }

  @Test
  void failingStoreNeverBlocksNorThrowsAndChangesApplyOnceItRecovers() {
    var store = new SwitchableRegistry(new InMemoryPresenceRegistry(TTL));
    try (var recorder = new PresenceRecorder(store, "node-1", Duration.ofMillis(100), 0, meters)) {
      recorder.start();
      recorder.opened("alice", "s1");
      recorder.opened("bob", "s2");
      await().atMost(Duration.ofSeconds(5)).until(() -> store.delegate.presence("bob").online());

      store.down.set(true);
      recorder.closed("bob", "s2");
      recorder.opened("carol", "s3");
      await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.storeAvailable());
      assertThat(recorder.pendingChanges()).isEqualTo(2);
      assertThat(store.delegate.presence("bob").online()).isTrue();

      store.down.set(false);

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(store.delegate.presence("bob").online()).isFalse();
                assertThat(store.delegate.presence("carol").online()).isTrue();
                assertThat(store.delegate.presence("alice").online()).isTrue();
                assertThat(recorder.pendingChanges()).isZero();
                assertThat(recorder.storeAvailable()).isTrue();
              });
    }
  }

  @Test
  void sessionsTheStoreLostAreRegisteredAgain() {
    var registry = new InMemoryPresenceRegistry(TTL);
    try (var recorder =
        new PresenceRecorder(registry, "node-1", Duration.ofMillis(100), 0, meters)) {
      recorder.start();
      recorder.opened("alice", "s1");
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.presence("alice").online());

      // The store forgets the session behind the recorder's back (as a restarted Redis would).
      registry.disconnected("alice", "s1", recorder.presenceNode());

      await().atMost(Duration.ofSeconds(5)).until(() -> registry.presence("alice").online());
      assertThat(meters.get("regen.presence.resyncs").counter().count()).isPositive();
    }
  }

  @Test
  void droppedChangesLeadToANewIncarnationWithOnlyTheOpenSessions() {
    var store = new SwitchableRegistry(new InMemoryPresenceRegistry(TTL));
    try (var recorder = new PresenceRecorder(store, "node-1", Duration.ofMillis(100), 3, meters)) {
      recorder.start();
      recorder.opened("alice", "s1");
      recorder.opened("bob", "s2");
      await().atMost(Duration.ofSeconds(5)).until(() -> store.delegate.onlineUsers() == 2);
      String firstIncarnation = recorder.presenceNode();

      store.down.set(true);
      await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.storeAvailable());
      recorder.closed("bob", "s2");
      for (int i = 0; i < 10; i++) {
        recorder.opened("u" + i, "x" + i);
      }
      assertThat(recorder.pendingChanges()).isEqualTo(3);
      assertThat(meters.get("regen.presence.changes.dropped").counter().count()).isEqualTo(8);

      store.down.set(false);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> store.delegate.presence("u9").online() && recorder.pendingChanges() == 0);
      assertThat(recorder.presenceNode()).isNotEqualTo(firstIncarnation);
      // The old incarnation (with bob's stale session) lapses after the ttl.
      await().atMost(TTL.multipliedBy(3)).until(() -> !store.delegate.presence("bob").online());
      assertThat(store.delegate.onlineUsers()).isEqualTo(11);
      assertThat(store.delegate.presence("alice").nodes()).containsExactly(recorder.presenceNode());
    }
  }

  @Test
  void heartbeatMustBeShorterThanTheTtl() {
    assertThatThrownBy(
            () ->
                new PresenceRecorder(
                    new InMemoryPresenceRegistry(TTL), "node-1", TTL, 0, new SimpleMeterRegistry()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A registry that fails on demand, as Redis does when it is down. */
  static final class SwitchableRegistry implements PresenceRegistry {
    final PresenceRegistry delegate;
    final AtomicBoolean down = new AtomicBoolean();

    SwitchableRegistry(PresenceRegistry delegate) {
      this.delegate = delegate;
    }

    private void check() {
      if (down.get()) {
        throw new PresenceUnavailableException("down");
      }
    }

    @Override
    public void connected(String userId, String sessionId, String node) {
      check();
      delegate.connected(userId, sessionId, node);
    }

    @Override
    public void disconnected(String userId, String sessionId, String node) {
      check();
      delegate.disconnected(userId, sessionId, node);
    }

    @Override
    public int heartbeat(String node) {
      check();
      return delegate.heartbeat(node);
    }

    @Override
    public Presence presence(String userId) {
      check();
      return delegate.presence(userId);
    }

    @Override
    public long onlineUsers() {
      check();
      return delegate.onlineUsers();
    }

    @Override
    public Duration ttl() {
      return delegate.ttl();
    }
  }
}
