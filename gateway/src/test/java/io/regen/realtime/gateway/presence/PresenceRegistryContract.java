package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.gateway.presence.PresenceRegistry.Presence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link PresenceRegistry} contract, run against every implementation. Subclasses hand out a
 * fresh, empty registry whose ttl is {@link #TTL}. Expiry is real time (both implementations must
 * honour the wall clock), so the waits are bounded Awaitility polls.
 */
@Timeout(60)
abstract class PresenceRegistryContract {
  static final Duration TTL = Duration.ofMillis(1500);
  // Redis and this JVM read the same machine clock; allow for rounding to milliseconds.
  private static final Duration CLOCK_SLACK = Duration.ofMillis(50);

  private PresenceRegistry registry;

  /** A new registry with no entries and ttl {@link #TTL}. */
  protected abstract PresenceRegistry newRegistry();

  @BeforeEach
  void createRegistry() {
    registry = newRegistry();
    assertThat(registry.ttl()).isEqualTo(TTL);
  }

  @Test
  void unknownUserIsOfflineAndNeverSeen() {
    Presence p = registry.presence("nobody");

    assertThat(p).isEqualTo(Presence.offline("nobody", null));
    assertThat(registry.onlineUsers()).isZero();
  }

  @Test
  void connectedUserIsOnlineAndDisconnectLeavesNoConnection() {
    Instant before = Instant.now();
    registry.connected("alice", "s1", "node-a");

    Presence online = registry.presence("alice");
    assertThat(online.online()).isTrue();
    assertThat(online.connections()).isEqualTo(1);
    assertThat(online.nodes()).containsExactly("node-a");
    assertThat(online.lastSeen()).isBetween(before.minus(CLOCK_SLACK), now());
    assertThat(registry.onlineUsers()).isEqualTo(1);

    registry.disconnected("alice", "s1", "node-a");

    Presence offline = registry.presence("alice");
    assertThat(offline.online()).isFalse();
    assertThat(offline.connections()).isZero();
    assertThat(offline.nodes()).isEmpty();
    assertThat(offline.lastSeen()).isNotNull().isAfterOrEqualTo(online.lastSeen());
    assertThat(registry.onlineUsers()).isZero();
  }

  @Test
  void severalTabsOfOneUserCountAsConnectionsOfOneOnlineUser() {
    registry.connected("alice", "tab-1", "node-a");
    registry.connected("alice", "tab-2", "node-a");
    registry.connected("alice", "tab-3", "node-a");

    assertThat(registry.presence("alice").connections()).isEqualTo(3);
    assertThat(registry.onlineUsers()).isEqualTo(1);

    registry.disconnected("alice", "tab-2", "node-a");

    Presence p = registry.presence("alice");
    assertThat(p.online()).isTrue();
    assertThat(p.connections()).isEqualTo(2);
    assertThat(registry.onlineUsers()).isEqualTo(1);
  }

  @Test
  void sessionsOnSeveralNodesAreDistinctAndCountedPerUser() {
    registry.connected("alice", "s1", "node-a");
    registry.connected("alice", "s1", "node-b"); // same session id on another node: another session
    registry.connected("bob", "s2", "node-b");

    Presence alice = registry.presence("alice");
    assertThat(alice.connections()).isEqualTo(2);
    assertThat(alice.nodes()).containsExactly("node-a", "node-b");
    assertThat(registry.presence("bob").nodes()).containsExactly("node-b");
    assertThat(registry.onlineUsers()).isEqualTo(2);

    registry.disconnected("alice", "s1", "node-a");

    assertThat(registry.presence("alice").nodes()).containsExactly("node-b");
    assertThat(registry.presence("alice").connections()).isEqualTo(1);
    assertThat(registry.onlineUsers()).isEqualTo(2);
  }

  @Test
  void connectAndDisconnectAreIdempotent() {
    registry.connected("alice", "s1", "node-a");
    registry.connected("alice", "s1", "node-a");
    assertThat(registry.presence("alice").connections()).isEqualTo(1);

    registry.disconnected("alice", "s1", "node-a");
    Instant lastSeen = registry.presence("alice").lastSeen();
    registry.disconnected("alice", "s1", "node-a");
    registry.disconnected("alice", "unknown", "node-a");
    registry.disconnected("ghost", "s9", "node-z");

    assertThat(registry.presence("alice")).isEqualTo(Presence.offline("alice", lastSeen));
    assertThat(registry.presence("ghost")).isEqualTo(Presence.offline("ghost", null));
    assertThat(registry.onlineUsers()).isZero();
  }

  @Test
  void disconnectingAnotherUsersSessionIdChangesNothing() {
    registry.connected("alice", "s1", "node-a");

    registry.disconnected("mallory", "s1", "node-a");

    assertThat(registry.presence("alice").connections()).isEqualTo(1);
    assertThat(registry.heartbeat("node-a")).isEqualTo(1);
  }

  @Test
  void heartbeatReportsTheSessionsOfItsNode() {
    registry.connected("alice", "s1", "node-a");
    registry.connected("bob", "s2", "node-a");
    registry.connected("bob", "s3", "node-b");

    assertThat(registry.heartbeat("node-a")).isEqualTo(2);
    assertThat(registry.heartbeat("node-b")).isEqualTo(1);
    assertThat(registry.heartbeat("node-c")).isZero();

    registry.disconnected("bob", "s2", "node-a");
    assertThat(registry.heartbeat("node-a")).isEqualTo(1);
  }

  @Test
  void heartbeatKeepsSessionsAliveBeyondTheTtl() {
    registry.connected("alice", "s1", "node-a");
    Instant connectedAt = Instant.now();
    Instant firstSeen = registry.presence("alice").lastSeen();

    // Heartbeat every 200 ms for twice the ttl; the session must stay online throughout.
    await()
        .atMost(TTL.multipliedBy(4))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertThat(registry.heartbeat("node-a")).isEqualTo(1);
              assertThat(registry.presence("alice").online()).isTrue();
              return Duration.between(connectedAt, Instant.now()).compareTo(TTL.multipliedBy(2))
                  > 0;
            });

    Presence p = registry.presence("alice");
    assertThat(p.connections()).isEqualTo(1);
    assertThat(p.lastSeen()).isAfter(firstSeen);
    assertThat(registry.onlineUsers()).isEqualTo(1);
  }

  @Test
  void sessionsOfANodeWithoutHeartbeatExpireAfterTheTtl() {
    Instant connectedAt = Instant.now();
    registry.connected("alice", "s1", "node-dead");
    registry.connected("bob", "s2", "node-alive");
    registry.connected("carol", "s3", "node-dead");
    registry.connected("carol", "s4", "node-alive");
    Instant aliceSeen = registry.presence("alice").lastSeen();

    await()
        .atMost(TTL.multipliedBy(4))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              registry.heartbeat("node-alive");
              return !registry.presence("alice").online();
            });
    // Not before the ttl: the dead node's sessions lived their full ttl.
    assertThat(Duration.between(connectedAt, Instant.now()))
        .isGreaterThanOrEqualTo(TTL.minus(CLOCK_SLACK));

    Presence alice = registry.presence("alice");
    assertThat(alice.connections()).isZero();
    assertThat(alice.nodes()).isEmpty();
    assertThat(alice.lastSeen()).isEqualTo(aliceSeen);
    Presence carol = registry.presence("carol");
    assertThat(carol.connections()).isEqualTo(1);
    assertThat(carol.nodes()).containsExactly("node-alive");
    assertThat(registry.presence("bob").online()).isTrue();
    assertThat(registry.onlineUsers()).isEqualTo(2);

    // A node that comes back does not revive its expired sessions: it must register them again.
    assertThat(registry.heartbeat("node-dead")).isZero();
    assertThat(registry.presence("alice").online()).isFalse();
    registry.connected("alice", "s1", "node-dead");
    assertThat(registry.presence("alice").online()).isTrue();
  }

  @Test
  void everyUserExpiresWhenNoNodeHeartbeats() {
    registry.connected("alice", "s1", "node-a");
    registry.connected("bob", "s2", "node-b");
    assertThat(registry.onlineUsers()).isEqualTo(2);

    await()
        .atMost(TTL.multipliedBy(4))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> registry.onlineUsers() == 0);

    assertThat(registry.presence("alice").online()).isFalse();
    assertThat(registry.presence("bob").online()).isFalse();
    assertThat(registry.presence("bob").lastSeen()).isNotNull();
  }

  @Test
  void lastSeenFollowsConnectHeartbeatAndDisconnect() {
    registry.connected("alice", "s1", "node-a");
    Instant connected = registry.presence("alice").lastSeen();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              registry.heartbeat("node-a");
              return registry.presence("alice").lastSeen().isAfter(connected);
            });
    Instant heartbeated = registry.presence("alice").lastSeen();

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Instant.now().isAfter(heartbeated.plus(CLOCK_SLACK)));
    registry.disconnected("alice", "s1", "node-a");
    Instant disconnected = registry.presence("alice").lastSeen();

    assertThat(disconnected).isAfter(heartbeated).isBeforeOrEqualTo(now());
  }

  @Test
  void concurrentCallersKeepAConsistentCount() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    registry.connected("alice", "t" + thread + "-" + i, "node-" + (i % 2));
                  }
                  for (int i = 0; i < 50; i += 2) {
                    registry.disconnected("alice", "t" + thread + "-" + i, "node-" + (i % 2));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Presence p = registry.presence("alice");
    assertThat(p.connections()).isEqualTo(4 * 25);
    assertThat(p.nodes()).containsExactly("node-1");
    assertThat(registry.heartbeat("node-1")).isEqualTo(4 * 25);
    assertThat(registry.heartbeat("node-0")).isZero();
  }

  private static Instant now() {
    return Instant.now().plus(CLOCK_SLACK);
  }
}
