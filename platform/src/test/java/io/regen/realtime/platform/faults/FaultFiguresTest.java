package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultFiguresTest {
  private static final FaultFigures FIGURES =
      new FaultFigures(
          "leader-kill", new FaultFigures.Traffic(120, 118, 472, 4, 0, 0, 23), 2.4, "");

  @Test
  void lineKeepsTheReportFormat() {
    assertThat(FIGURES.line())
        .isEqualTo(
            "leader-kill                    produced    120 acknowledged    118 delivered     472"
                + " (to 4 tabs) duplicated 0 never-published-shown 0 jobs-complete-in-state 23"
                + " recovery 2.4 s");
  }

  @Test
  void notesAreJoinedAfterABar() {
    assertThat(FIGURES.withNote("leaders moved 5").withNote("lag 0").line())
        .endsWith("recovery 2.4 s | leaders moved 5; lag 0");
  }
}
