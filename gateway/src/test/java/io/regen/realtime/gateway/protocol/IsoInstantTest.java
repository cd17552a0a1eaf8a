package io.regen.realtime.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

  private static String written(Instant at) {
    StringBuilder sb = new StringBuilder("x");
    IsoInstant.append(sb, at);
    return sb.substring(1);
  }

  @Test
  void writesWhatInstantToStringWritesAtTheEdges() {
    for (String s :
        new String[] {
          "1970-01-01T00:00:00Z",
          "1970-01-01T00:00:00.000000001Z",
          "1999-12-31T23:59:59.999Z",
          "2000-02-29T12:00:00.100Z",
          "2024-02-29T00:00:59.000001Z",
          "2026-11-24T10:15:30.123Z",
          "2100-03-01T00:00:00.120Z",
          "9999-12-31T23:59:59.999999999Z",
        }) {
      Instant at = Instant.parse(s);
      assertThat(written(at)).as(s).isEqualTo(at.toString()).isEqualTo(s);
    }
  }

  @Test
  void writesWhatInstantToStringWritesForRandomInstantsAndFractions() {
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 40_000; i++) {
      long seconds = random.nextLong(0, 253_402_300_800L);
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000; // milliseconds, as events carry
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant at = Instant.ofEpochSecond(seconds, nanos);
      assertThat(written(at)).as("%s", at).isEqualTo(at.toString());
    }
  }

  @Test
  void instantsOutsideYears0000To9999AreWrittenByInstantToString() {
    for (Instant at :
        new Instant[] {
          Instant.parse("1969-12-31T23:59:59.500Z"),
          Instant.parse("+10000-01-01T00:00:00Z"),
          Instant.MIN,
          Instant.MAX
        }) {
      assertThat(written(at)).isEqualTo(at.toString());
    }
  }
}
