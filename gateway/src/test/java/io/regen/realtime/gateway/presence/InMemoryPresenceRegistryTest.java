package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryPresenceRegistryTest extends PresenceRegistryContract {

  @Override
  protected PresenceRegistry newRegistry() {
    return new InMemoryPresenceRegistry(TTL);
  }

  @Test
  void sessionExpiresExactlyAtTheTtlOfItsLastRefresh() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    var registry = new InMemoryPresenceRegistry(Duration.ofSeconds(10), clock);
    registry.connected("alice", "s1", "node-a");

    clock.advance(Duration.ofMillis(9_999));
    assertThat(registry.presence("alice").online()).isTrue();
    assertThat(registry.heartbeat("node-a")).isEqualTo(1);

    clock.advance(Duration.ofMillis(9_999));
    assertThat(registry.presence("alice").online()).isTrue();
    assertThat(registry.presence("alice").lastSeen())
        .isEqualTo(Instant.parse("2026-01-01T00:00:09.999Z"));

    clock.advance(Duration.ofMillis(1));
    assertThat(registry.presence("alice").online()).isFalse();
    assertThat(registry.onlineUsers()).isZero();
    assertThat(registry.heartbeat("node-a")).isZero();
  }

  @Test
  void rejectsANonPositiveTtl() {
    assertThatThrownBy(() -> new InMemoryPresenceRegistry(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
