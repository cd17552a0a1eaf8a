package io.regen.realtime.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class AttemptMarksTest {
  private static final TopicPartition P0 = new TopicPartition("jobs.requests.v1", 0);

  @Test
  void marksRoundTripRelativeToTheCommittedOffset() {
    AttemptMarks marks = new AttemptMarks();
    marks.record(1000, 1);
    marks.record(1007, 3);
    marks.record(999, 2); // below the commit: not written
    String metadata = marks.encode(1000);
    assertThat(metadata).isEqualTo("a1:0.1,7.3");

    AttemptMarks read = AttemptMarks.parse(1000, metadata);
    assertThat(read.last(1000)).contains(1);
    assertThat(read.last(1007)).contains(3);
    assertThat(read.last(999)).isEmpty();
  }

  @Test
  void noMarksIsEmptyMetadataAndForeignMetadataReadsAsNone() {
    assertThat(new AttemptMarks().encode(5)).isEmpty();
    assertThat(AttemptMarks.parse(5, "").last(5)).isEmpty();
    assertThat(AttemptMarks.parse(5, "written by some tool").last(5)).isEmpty();
    assertThatThrownBy(() -> AttemptMarks.parse(5, "a1:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a1:x");
  }

  @Test
  void aRequestRunAgainGetsTheNextAttemptAcrossACommitAndARestart() {
    OffsetBook book = new OffsetBook();
    book.assigned(List.of(P0));
    book.restore(P0, null); // nothing committed yet
    book.read(P0, 0, true);
    book.read(P0, 1, false);
    book.read(P0, 2, false);
    assertThat(book.nextAttempt(P0, 1)).isEqualTo(1);
    assertThat(book.nextAttempt(P0, 2)).isEqualTo(1);
    assertThat(book.nextAttempt(P0, 2)).isEqualTo(2); // offset 2's end was not acknowledged
    Map<TopicPartition, OffsetAndMetadata> marks = book.marks(List.of(P0));
    assertThat(marks).isEqualTo(Map.of(P0, new OffsetAndMetadata(1, "a1:0.1,1.2")));
    book.committed(marks);

    // The worker is killed; the next one reads the commit and runs both jobs again.
    OffsetBook next = new OffsetBook();
    next.assigned(List.of(P0));
    assertThat(next.attemptsKnown(P0)).isFalse();
    next.restore(P0, marks.get(P0));
    assertThat(next.attemptsKnown(P0)).isTrue();
    next.read(P0, 1, false);
    next.read(P0, 2, false);
    assertThat(next.nextAttempt(P0, 1)).isEqualTo(2);
    assertThat(next.nextAttempt(P0, 2)).isEqualTo(3);

    // Once offset 1 is handled the commit moves past it and keeps only offset 2's mark.
    next.handled(P0, 1);
    assertThat(next.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(2, "a1:0.3")));
  }
}
