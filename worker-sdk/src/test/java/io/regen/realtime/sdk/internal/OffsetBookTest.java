package io.regen.realtime.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetBookTest {
  private static final TopicPartition P0 = new TopicPartition("jobs.requests.v1", 0);
  private static final TopicPartition P1 = new TopicPartition("jobs.requests.v1", 1);

  @Test
  void commitsPerPartitionOnlyUpToTheFirstUnfinishedJob() {
    OffsetBook book = new OffsetBook();
    book.assigned(List.of(P0, P1));
    book.read(P0, 0, true);
    book.read(P0, 1, false);
    book.read(P0, 2, false);
    book.read(P1, 7, true);
    assertThat(book.committable())
        .isEqualTo(Map.of(P0, new OffsetAndMetadata(1), P1, new OffsetAndMetadata(8)));
    book.committed(book.committable());

    book.handled(P0, 2); // finished out of order: still held back by offset 1
    assertThat(book.committable()).isEmpty();
    book.handled(P0, 1);
    assertThat(book.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(3)));
  }

  @Test
  void onlyTheRequestedPartitionsAndNothingAfterRemoval() {
    OffsetBook book = new OffsetBook();
    book.assigned(List.of(P0, P1));
    book.read(P0, 0, true);
    book.read(P1, 0, true);
    assertThat(book.committable(List.of(P1))).isEqualTo(Map.of(P1, new OffsetAndMetadata(1)));
    book.removed(List.of(P0));
    book.handled(P0, 0); // a job of a revoked partition finishing late changes nothing
    assertThat(book.committable()).containsOnlyKeys(P1);
  }
}
