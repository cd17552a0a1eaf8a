package io.regen.realtime.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only the contiguous prefix of handled records is committed. */
class PartitionProgressTest {

  @Test
  void nothingToCommitBeforeTheFirstRecord() {
    assertThat(new PartitionProgress().committable()).isEqualTo(-1);
  }

  @Test
  void commitsUpToTheFirstRecordStillRunning() {
    PartitionProgress p = new PartitionProgress();
    p.read(10, true); // a duplicate, handled at once
    p.read(11, false); // a job
    p.read(12, false); // a job
    p.read(13, true); // a cancel
    assertThat(p.committable()).isEqualTo(11);

    p.handled(12); // finished out of order: still blocked by 11
    assertThat(p.committable()).isEqualTo(11);
    p.committedUpTo(11);
    assertThat(p.committable()).isEqualTo(-1);

    p.handled(11);
    assertThat(p.committable()).isEqualTo(14);
    p.committedUpTo(14);
    assertThat(p.committable()).isEqualTo(-1);
  }
}
