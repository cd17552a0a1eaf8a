package io.regen.realtime.gateway.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayAdmissionTest {
  private final ReplayAdmission admission = new ReplayAdmission(2);

  @Test
  void aUserGetsAtMostTheCapAndOthersAreNotAffected() {
    ReplayAdmission.Permit first = admission.acquire("alice");
    ReplayAdmission.Permit second = admission.acquire("alice");

    assertThatThrownBy(() -> admission.acquire("alice"))
        .isInstanceOf(ReplayRefusedException.class)
        .hasMessageContaining("at most 2 replays per user")
        .extracting(e -> ((ReplayRefusedException) e).code())
        .isEqualTo("replay_busy");
    assertThat(admission.acquire("bob")).isNotNull();

    first.close();
    assertThat(admission.acquire("alice")).isNotNull();
    second.close();
  }

  @Test
  void closingTwiceFreesOneSlotOnlyAndIdleUsersAreForgotten() {
    ReplayAdmission.Permit a = admission.acquire("carol");
    ReplayAdmission.Permit b = admission.acquire("carol");
    a.close();
    a.close();
    assertThat(admission.running("carol")).isEqualTo(1);
    b.close();
    assertThat(admission.running("carol")).isZero();
  }
}
