package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReferenceWorkersTest {
  private final WorkerSettings settings =
      WorkerSettings.of("localhost:1", new InMemorySchemaRegistryClient(), "w-1");

  @Test
  void anUnknownTypeIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> ReferenceWorkers.start("translate", settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown worker type 'translate'")
        .hasMessageContaining("model")
        .hasMessageContaining("research");
    assertThat(ReferenceWorkers.TYPES).containsExactlyInAnyOrder("model", "research");
  }

  @Test
  void settingsAreValidated() {
    assertThat(settings.chunkDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(settings.concurrency()).isEqualTo(4);
    assertThatThrownBy(() -> settings.withConcurrency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency");
    assertThatThrownBy(() -> settings.withChunkDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new WorkerSettings(
                    "localhost:1", new InMemorySchemaRegistryClient(), " ", Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerId");
  }
}
