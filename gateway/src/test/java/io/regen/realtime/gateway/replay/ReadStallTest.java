package io.regen.realtime.gateway.replay;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadStallTest {
  private static final long MS = 1_000_000;

  @Test
  void emptyPollsWithinTheTimeoutAreWaitedFor() {
    ReadStall stall = new ReadStall(Duration.ofSeconds(1));
    assertThatCode(
            () -> {
              stall.empty(10 * MS, 5, 9);
              stall.empty(900 * MS, 5, 9);
            })
        .doesNotThrowAnyException();
  }

  @Test
  void nothingForLongerThanTheTimeoutIsAnErrorNotAnEnd() {
    ReadStall stall = new ReadStall(Duration.ofSeconds(1));
    stall.empty(10 * MS, 5, 9);
    assertThatThrownBy(() -> stall.empty(1_011 * MS, 5, 9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("offset 5")
        .hasMessageContaining("up to 9");
  }

  @Test
  void recordsRestartTheClock() {
    ReadStall stall = new ReadStall(Duration.ofSeconds(1));
    stall.empty(10 * MS, 5, 9);
    stall.progressed();
    stall.empty(900 * MS, 6, 9);
    assertThatCode(() -> stall.empty(1_500 * MS, 6, 9)).doesNotThrowAnyException();
  }
}
