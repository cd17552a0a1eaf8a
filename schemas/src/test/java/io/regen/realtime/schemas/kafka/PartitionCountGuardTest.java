package io.regen.realtime.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionCountGuardTest {
  @Test
  void theFirstCountIsKeptAndAChangeIsRefusedClearly() {
    PartitionCountGuard guard = new PartitionCountGuard("jobs.events.v1");
    assertThat(guard.expected()).isEqualTo(-1);
    assertThat(guard.check(12)).isEqualTo(12);
    assertThat(guard.check(12)).isEqualTo(12);
    assertThatThrownBy(() -> guard.check(16))
        .isInstanceOf(PartitionCountChangedException.class)
        .hasMessageContaining("jobs.events.v1 now has 16 partitions, 12 when this process started");
    assertThat(guard.expected()).isEqualTo(12);
  }

  @Test
  void aNonPositiveCountIsAnError() {
    assertThatThrownBy(() -> new PartitionCountGuard("t").check(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
