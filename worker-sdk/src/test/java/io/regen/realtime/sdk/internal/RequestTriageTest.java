package io.regen.realtime.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.sdk.internal.RequestTriage.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RequestTriageTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Predicate<JobRequest> NEVER_SEEN = r -> false;
  private static final Predicate<JobRequest> ALWAYS_SEEN = r -> true;

  private static JobRequest start(String jobId, String userId, String type, Instant at) {
    return new JobRequest(jobId, userId, type, Map.of(), null, at, JobRequestAction.START);
  }

  private static Verdict triage(JobRequest r, Predicate<JobRequest> seen) {
    return RequestTriage.triage(r, "model", seen, NOW, HOUR);
  }

  @Test
  void aFreshStartOfTheLoopsTypeRuns() {
    assertThat(triage(start("j1", "u1", "model", NOW), NEVER_SEEN)).isEqualTo(Verdict.RUN);
  }

  @Test
  void missingRequestOrIdsAreMalformed() {
    assertThat(triage(null, NEVER_SEEN)).isEqualTo(Verdict.MALFORMED);
    assertThat(triage(start(" ", "u1", "model", NOW), NEVER_SEEN)).isEqualTo(Verdict.MALFORMED);
    assertThat(triage(start("j1", "", "model", NOW), NEVER_SEEN)).isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void aCancelIsACancelWhateverItsTypeOrHistory() {
    JobRequest cancel =
        new JobRequest("j1", "u1", "research", Map.of(), null, NOW, JobRequestAction.CANCEL);
    assertThat(triage(cancel, ALWAYS_SEEN)).isEqualTo(Verdict.CANCEL);
  }

  @Test
  void anotherTypeIsLeftToItsGroupBeforeTheDuplicateFilterIsAsked() {
    assertThat(triage(start("j1", "u1", "research", NOW), ALWAYS_SEEN))
        .isEqualTo(Verdict.OTHER_TYPE);
  }

  @Test
  void aDuplicateWinsOverStaleness() {
    JobRequest old = start("j1", "u1", "model", NOW.minus(Duration.ofHours(2)));
    assertThat(triage(old, ALWAYS_SEEN)).isEqualTo(Verdict.DUPLICATE);
    assertThat(triage(old, NEVER_SEEN)).isEqualTo(Verdict.STALE);
  }

  @Test
  void staleOnlyPastTheMaximumAgeAndNeverWithoutOne() {
    assertThat(triage(start("j1", "u1", "model", NOW.minus(HOUR)), NEVER_SEEN))
        .isEqualTo(Verdict.RUN);
    JobRequest old = start("j1", "u1", "model", NOW.minus(Duration.ofDays(3)));
    assertThat(RequestTriage.triage(old, "model", NEVER_SEEN, NOW, Duration.ZERO))
        .isEqualTo(Verdict.RUN);
  }

  @Test
  void everyStartOfTheLoopsTypeIsRememberedAndNothingElse() {
    assertThat(Verdict.RUN.remembered()).isTrue();
    assertThat(Verdict.STALE.remembered()).isTrue();
    assertThat(Verdict.DUPLICATE.remembered()).isTrue();
    assertThat(Verdict.CANCEL.remembered()).isFalse();
    assertThat(Verdict.OTHER_TYPE.remembered()).isFalse();
    assertThat(Verdict.MALFORMED.remembered()).isFalse();
  }
}
