package io.regen.realtime.gateway.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.http.BearerAuth;
import io.regen.realtime.gateway.http.HttpErrorAdvice;
import io.regen.realtime.gateway.sessions.KafkaSessionEventPublisher;
import io.regen.realtime.gateway.sessions.SessionEventPublisher;
import io.regen.realtime.gateway.sessions.SessionsConfiguration;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@Timeout(60)
class PresenceConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withUserConfiguration(PresenceConfiguration.class)
          .withBean(
              JwtVerifier.class,
              () -> new JwtVerifier(JwtSettings.hs256("presence-config-test-secret-0123456789ab")))
          .withPropertyValues("regen.node-id=node-test");

  @Test
  void withoutRedisUrlPresenceIsInMemoryWithRecorderControllerAndBearerAuth() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(PresenceRegistry.class))
              .isInstanceOf(InMemoryPresenceRegistry.class);
          assertThat(context.getBean(PresenceRegistry.class).ttl())
              .isEqualTo(PresenceProperties.DEFAULT_TTL);
          PresenceRecorder recorder = context.getBean(PresenceRecorder.class);
          assertThat(recorder.nodeId()).isEqualTo("node-test");
          assertThat(context).hasSingleBean(PresenceController.class);
          assertThat(context).hasSingleBean(BearerAuth.class);
          assertThat(context).hasSingleBean(HttpErrorAdvice.class);
        });
  }

  @Test
  void redisDownAtStartupDoesNotStopTheContextAndPresenceFailsFast() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    runner
        .withPropertyValues(
            "regen.redis.url=redis://127.0.0.1:" + closedPort,
            "regen.presence.ttl=5s",
            "regen.presence.heartbeat-interval=1s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              PresenceRegistry registry = context.getBean(PresenceRegistry.class);
              assertThat(registry).isInstanceOf(RedisPresenceRegistry.class);
              assertThat(registry.ttl()).isEqualTo(Duration.ofSeconds(5));
              long start = System.nanoTime();
              assertThatThrownBy(() -> registry.presence("alice"))
                  .isInstanceOf(PresenceUnavailableException.class);
              assertThat(Duration.ofNanos(System.nanoTime() - start))
                  .isLessThan(Duration.ofMillis(500));
              // The WebSocket layer's entry point still accepts sessions without blocking.
              context.getBean(PresenceRecorder.class).opened("alice", "s1");
            });
  }

  @Test
  void heartbeatNotShorterThanTtlFailsStartupWithAClearMessage() {
    runner
        .withPropertyValues("regen.presence.ttl=5s", "regen.presence.heartbeat-interval=5s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("regen.presence.heartbeat-interval"));
  }

  @Test
  void sessionEventsGoToKafkaWithARegistryClientAndNowhereWithout() {
    ApplicationContextRunner sessions =
        new ApplicationContextRunner()
            .withUserConfiguration(SessionsConfiguration.class)
            .withPropertyValues("regen.kafka.bootstrap-servers=127.0.0.1:1", "regen.node-id=n1");

    sessions
        .withBean(SchemaRegistryClient.class, InMemorySchemaRegistryClient::new)
        .run(
            context ->
                assertThat(context.getBean(SessionEventPublisher.class))
                    .isInstanceOf(KafkaSessionEventPublisher.class));
    sessions.run(
        context -> {
          SessionEventPublisher publisher = context.getBean(SessionEventPublisher.class);
          assertThat(publisher).isNotInstanceOf(KafkaSessionEventPublisher.class);
          publisher.started("alice", "s1", "n1"); // discards, never throws
        });
  }
}
