package io.regen.realtime.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.registry.internal.RegistryState.ClaimOutcome;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay rules that make every instance compute the same ids from the same log. */
class RegistryStateTest {
  private static String schema(String name) {
    return "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[]}";
  }

  @Test
  void newSchemasGetConsecutiveIdsAndSharedSchemasReuseThem() {
    RegistryState state = new RegistryState();
    assertThat(state.applyClaim("a", schema("A"), 0))
        .isEqualTo(new ClaimOutcome.Registered(1, 1, false));
    assertThat(state.applyClaim("a", schema("B"), 1))
        .isEqualTo(new ClaimOutcome.Registered(2, 2, false));
    assertThat(state.applyClaim("b", schema("A"), 0))
        .isEqualTo(new ClaimOutcome.Registered(1, 1, false));
    assertThat(state.applyClaim("a", schema("A"), 2))
        .as("already version 1 of a")
        .isEqualTo(new ClaimOutcome.Registered(1, 1, true));
    assertThat(state.versionsOfId(1))
        .extracting(RegistryState.Version::subject)
        .containsExactly("a", "b");
  }

  @Test
  void aClaimBasedOnAStaleVersionIsAConflictAndAllocatesNothing() {
    RegistryState state = new RegistryState();
    state.applyClaim("a", schema("A"), 0);
    // Two writers both checked against version 1; the second one in the log loses.
    assertThat(state.applyClaim("a", schema("B"), 1)).isInstanceOf(ClaimOutcome.Registered.class);
    assertThat(state.applyClaim("a", schema("C"), 1)).isEqualTo(new ClaimOutcome.Conflict(2));
    assertThat(state.versions("a")).contains(List.of(1, 2));
    assertThat(state.applyClaim("x", schema("D"), 0))
        .as("C's conflict did not use up an id")
        .isEqualTo(new ClaimOutcome.Registered(3, 1, false));
  }

  @Test
  void replayingTheSameLogGivesTheSameState() {
    List<Object[]> log = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      log.add(new Object[] {"s" + (i % 3), schema("S" + (i % 7)), i / 3});
    }
    RegistryState first = new RegistryState();
    RegistryState second = new RegistryState();
    List<ClaimOutcome> a = new ArrayList<>();
    List<ClaimOutcome> b = new ArrayList<>();
    for (Object[] claim : log) {
      a.add(first.applyClaim((String) claim[0], (String) claim[1], (Integer) claim[2]));
    }
    for (Object[] claim : log) {
      b.add(second.applyClaim((String) claim[0], (String) claim[1], (Integer) claim[2]));
    }
    assertThat(b).isEqualTo(a);
    for (String subject : first.subjects()) {
      assertThat(second.versions(subject)).isEqualTo(first.versions(subject));
      assertThat(second.latest(subject)).isEqualTo(first.latest(subject));
    }
  }

  @Test
  void unparsableClaimsAreIgnored() {
    RegistryState state = new RegistryState();
    assertThat(state.applyClaim("a", "{nope", 0)).isInstanceOf(ClaimOutcome.Invalid.class);
    assertThat(state.hasSubject("a")).isFalse();
  }

  @Test
  void configRecordsSetAndRemoveLevels() {
    RegistryState state = new RegistryState();
    assertThat(state.effectiveLevel("a")).isEqualTo(CompatibilityLevel.BACKWARD);
    state.applyConfig(null, CompatibilityLevel.FULL);
    state.applyConfig("a", CompatibilityLevel.NONE);
    assertThat(state.effectiveLevel("a")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(state.effectiveLevel("b")).isEqualTo(CompatibilityLevel.FULL);
    state.applyConfig("a", null);
    assertThat(state.effectiveLevel("a")).isEqualTo(CompatibilityLevel.FULL);
  }

  @Test
  void logRecordsRoundTripAndForeignRecordsAreSkipped() {
    var claim = new LogRecords.Claim("c-1", "s", schema("A"), 3);
    assertThat(LogRecords.decode(LogRecords.claimKey(claim), LogRecords.claimValue(claim)))
        .isEqualTo(claim);
    assertThat(
            LogRecords.decode(
                LogRecords.configKey(null), LogRecords.configValue(CompatibilityLevel.FULL)))
        .isEqualTo(new LogRecords.Config(null, CompatibilityLevel.FULL));
    assertThat(LogRecords.decode(LogRecords.configKey("s"), null))
        .isEqualTo(new LogRecords.Config("s", null));
    assertThat(LogRecords.decode("{\"keytype\":\"NOOP\"}", "{}"))
        .isInstanceOf(LogRecords.Unknown.class);
    assertThat(LogRecords.decode("garbage", "x")).isInstanceOf(LogRecords.Unknown.class);
    assertThat(LogRecords.decode(null, "x")).isInstanceOf(LogRecords.Unknown.class);
  }
}
