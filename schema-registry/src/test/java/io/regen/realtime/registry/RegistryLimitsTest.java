package io.regen.realtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryLimitsTest {
  @Test
  void eachWithChangesOneComponentAndKeepsTheOthers() {
    RegistryLimits d = RegistryLimits.DEFAULT;
    RegistryLimits changed =
        d.withMaxSubjects(2)
            .withMaxVersionsPerSubject(3)
            .withMaxSchemaBytes(4)
            .withBodyDeadline(Duration.ofSeconds(5))
            .withMaxConcurrentUploads(6);
    assertThat(changed)
        .isEqualTo(
            new RegistryLimits(
                2,
                3,
                4,
                d.maxBodyBytes(),
                Duration.ofSeconds(5),
                d.idleTimeout(),
                d.workerThreads(),
                d.queueCapacity(),
                6,
                d.maxConnections()));
    assertThat(d.withMaxSubjects(d.maxSubjects())).isEqualTo(d);
  }

  @Test
  void theBuilderValidatesLikeTheConstructor() {
    assertThatThrownBy(() -> RegistryLimits.DEFAULT.toBuilder().maxSchemaBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSchemaBytes must be >= 1, got 0");
    assertThatThrownBy(() -> RegistryLimits.DEFAULT.withBodyDeadline(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("bodyDeadline");
  }
}
