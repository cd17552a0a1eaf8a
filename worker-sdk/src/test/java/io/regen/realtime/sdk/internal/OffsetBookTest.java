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
    book.lost(List.of(P0));
    book.handled(P0, 0); // a job of a lost partition finishing late changes nothing
    assertThat(book.committable()).containsOnlyKeys(P1);
  }

  @Test
  void aPartitionRevokedAndAssignedBackCarriesOnWhereItStopped() {
    OffsetBook book = new OffsetBook();
    book.assigned(List.of(P0, P1));
    book.read(P0, 4, true);
    book.read(P0, 5, false); // a job whose retry is pending when the rebalance starts
    book.read(P0, 6, true);
    Object token = book.token(P0);

    book.revoked(List.of(P0, P1));
    // Until the assignment is known, its jobs wait: neither started nor dropped.
    assertThat(book.awaitingAssignment(P0)).isTrue();
    assertThat(book.token(P0)).isNull();
    book.handled(P0, 6); // a job finishing during the rebalance is not forgotten
    Map<TopicPartition, Long> readOnAt = book.assigned(List.of(P0));
    assertThat(book.awaitingAssignment(P0)).isFalse();
    assertThat(book.awaitingAssignment(P1)).isFalse();

    assertThat(readOnAt).isEqualTo(Map.of(P0, 7L)); // no record of it is read twice
    assertThat(book.token(P0)).isSameAs(token); // its pending retry still starts
    assertThat(book.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(5)));
    book.handled(P0, 5);
    assertThat(book.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(7)));
    assertThat(book.token(P1)).isNull(); // went to another consumer
  }

  @Test
  void aPartitionThatWentToAnotherConsumerStartsAfreshWhenItComesBackLater() {
    OffsetBook book = new OffsetBook();
    book.assigned(List.of(P0));
    book.read(P0, 5, false);
    Object token = book.token(P0);

    book.revoked(List.of(P0));
    assertThat(book.assigned(List.of(P1))).isEmpty();
    assertThat(book.token(P0)).isNull(); // its pending retry is dropped: the new owner runs it
    book.handled(P0, 5);

    assertThat(book.assigned(List.of(P0, P1))).isEmpty(); // read from the group's commit
    assertThat(book.token(P0)).isNotNull().isNotSameAs(token);
    assertThat(book.committable()).isEmpty();
  }

  @Test
  void aLostPartitionIsForgottenEvenWhenAssignedBackInTheNextRebalance() {
    OffsetBook book = new OffsetBook();
    book.assigned(List.of(P0));
    book.read(P0, 5, false);
    Object token = book.token(P0);

    book.lost(List.of(P0)); // this consumer was out of the group: another may have held it
    assertThat(book.awaitingAssignment(P0)).isFalse();
    assertThat(book.assigned(List.of(P0))).isEmpty();
    assertThat(book.token(P0)).isNotSameAs(token);
  }
}
