package io.regen.realtime.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class GeneratorGcPausesTest {
  @Test
  void keepsPausesOfTheLastTwoHoursAndDropsOlderOnes() {
    Deque<long[]> pauses = new ArrayDeque<>();
    long t0 = 1_000_000_000_000L;
    GeneratorGcPauses.record(pauses, t0, 5);
    GeneratorGcPauses.record(pauses, t0 + 1, 6);
    GeneratorGcPauses.record(pauses, t0 + GeneratorGcPauses.KEPT_NANOS, 7);
    assertThat(pauses).extracting(p -> p[1]).containsExactly(5L, 6L, 7L);

    GeneratorGcPauses.record(pauses, t0 + GeneratorGcPauses.KEPT_NANOS + 1, 8);
    assertThat(pauses).extracting(p -> p[1]).containsExactly(6L, 7L, 8L);
  }
}
