package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The presence contract against a real redis-server process. */
class RedisPresenceRegistryIT extends PresenceRegistryContract {
  private static RedisServerProcess redis;
  private RedisPresenceRegistry current;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.stop();
    }
  }

  @Override
  protected PresenceRegistry newRegistry() {
    // A key prefix per test keeps the tests apart on one server.
    current =
        new RedisPresenceRegistry(
            RedisPresenceSettings.of(redis.url(), TTL)
                .withKeyPrefix("test:" + UUID.randomUUID() + ":"),
            new SimpleMeterRegistry());
    // The first connect of a JVM loads Netty and can take longer than one command may wait.
    await().atMost(Duration.ofSeconds(10)).until(current::isConnected);
    return current;
  }

  @AfterEach
  void closeRegistry() {
    if (current != null) {
      current.close();
    }
  }

  @Test
  void nodeIdsWithTheSessionSeparatorAreRefused() {
    assertThatThrownBy(() -> current.connected("alice", "s1", "node@1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void userIdsWithSeparatorsAndUnicodeRoundTrip() {
    current.connected("a@b:c ü", "s@1", "node-a");

    assertThat(current.presence("a@b:c ü").connections()).isEqualTo(1);
    assertThat(current.presence("a@b:c ü").nodes()).containsExactly("node-a");
    assertThat(current.heartbeat("node-a")).isEqualTo(1);
  }
}
