package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class UserPartitionerTest {

  @Test
  void matchesThePartitionTheProducersDefaultPartitionerChoosesForAKey() {
    for (int partitions : new int[] {1, 3, 12, 50}) {
      for (int i = 0; i < 500; i++) {
        String user = "user-" + i + (i % 7 == 0 ? "-ünïcode" : "");
        int expected =
            BuiltInPartitioner.partitionForKey(user.getBytes(StandardCharsets.UTF_8), partitions);
        assertThat(UserPartitioner.partitionOf(user, partitions)).as(user).isEqualTo(expected);
      }
    }
  }

  @Test
  void refusesANonPositivePartitionCount() {
    assertThatThrownBy(() -> UserPartitioner.partitionOf("u", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
