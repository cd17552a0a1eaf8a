package io.regen.realtime.gateway.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.gateway.startup.FirstUseWarmup.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FirstUseWarmupTest {
  private static final String CONNECTION_CLASS =
      "org.eclipse.jetty.websocket.core.WebSocketConnection";
  private static final String SECRET = "a-test-secret-of-at-least-32-bytes-long";

  @Test
  void everyGatewayStepRunsItsRealPathWithAnHs256Secret() {
    JwtSettings settings = JwtSettings.hs256(SECRET);
    FirstUseWarmup warmup =
        new FirstUseWarmup(
            GatewayWarmupSteps.of(new JwtVerifier(settings), settings), Duration.ofMinutes(1));

    warmup.start();

    assertThat(warmup.outcomes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "jwt-verify", Outcome.DONE,
                "client-frame-parse", Outcome.DONE,
                "session-event-encode", Outcome.DONE,
                "job-event-decode", Outcome.DONE,
                "server-frames", Outcome.DONE,
                "websocket-connection-classes", Outcome.DONE));
  }

  @Test
  void withUnknownSettingsTheVerifierRefusesTheWarmupToken() {
    // Settings the environment cannot give: the step still runs the parser, refused as it must be.
    GatewayWarmupSteps.verifyToken(new JwtVerifier(JwtSettings.hs256(SECRET)), null);
  }

  @Test
  void aVerifierThatAcceptsAnyTokenFailsTheStep() {
    JwtSettings other = JwtSettings.hs256("another-secret-of-at-least-32-bytes-long");
    JwtVerifier verifier = new JwtVerifier(JwtSettings.hs256(SECRET));
    // A valid-token warm-up with the wrong secret is refused: the step says so, it does not hide
    // it.
    assertThatThrownBy(() -> GatewayWarmupSteps.verifyToken(verifier, other))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void aConnectionClassMissingAfterAnUpgradeIsNamedAndTheOthersStillLoad() {
    assertThatThrownBy(
            () ->
                GatewayWarmupSteps.loadClasses(
                    List.of("org.example.RenamedByAnUpgrade", CONNECTION_CLASS)))
        .hasMessageContaining("org.example.RenamedByAnUpgrade")
        .hasMessageNotContaining(CONNECTION_CLASS);
  }

  @Test
  void aFailingStepIsLoggedAndTheNextOnesRun() {
    List<String> ran = new ArrayList<>();
    FirstUseWarmup warmup =
        new FirstUseWarmup(
            List.of(
                new WarmupStep("first", () -> ran.add("first")),
                new WarmupStep(
                    "broken",
                    () -> {
                      throw new IllegalStateException("boom");
                    }),
                new WarmupStep(
                    "linkage",
                    () -> {
                      throw new NoClassDefFoundError("gone");
                    }),
                new WarmupStep("last", () -> ran.add("last"))),
            Duration.ofMinutes(1));

    warmup.start();

    assertThat(ran).containsExactly("first", "last");
    assertThat(warmup.outcomes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "first", Outcome.DONE,
                "broken", Outcome.FAILED,
                "linkage", Outcome.FAILED,
                "last", Outcome.DONE));
    assertThat(warmup.isRunning()).isTrue();
  }

  @Test
  void theStepsBeginWhenTheBeanIsCreatedAndStartWaitsForThem() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    List<String> threads = new ArrayList<>();
    FirstUseWarmup warmup =
        new FirstUseWarmup(
            List.of(
                new WarmupStep(
                    "early",
                    () -> {
                      threads.add(Thread.currentThread().getName());
                      ran.countDown();
                    })),
            Duration.ofMinutes(1));

    warmup.afterPropertiesSet();
    assertThat(ran.await(1, TimeUnit.MINUTES)).as("ran before start()").isTrue();
    warmup.start();

    assertThat(threads).containsExactly("gateway-warmup");
    assertThat(warmup.outcomes()).containsExactlyEntriesOf(Map.of("early", Outcome.DONE));
  }

  @Test
  void aStepThatHangsDoesNotHoldTheStartPastTheBudget() {
    CountDownLatch never = new CountDownLatch(1);
    FirstUseWarmup warmup =
        new FirstUseWarmup(
            List.of(
                new WarmupStep(
                    "hangs",
                    () -> {
                      try {
                        never.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    })),
            Duration.ofMillis(200));

    warmup.start();

    assertThat(warmup.isRunning()).isTrue();
    assertThat(warmup.outcomes()).isEmpty();
    never.countDown();
  }
}
