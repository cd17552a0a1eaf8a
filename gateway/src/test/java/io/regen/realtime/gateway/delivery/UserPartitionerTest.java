package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class UserPartitionerTest {

  @Test
  void matchesThePartitionKafkasDefaultPartitionerChooses() throws Exception {
    int partitions = 12;
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> infos = new java.util.ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new PartitionInfo("t", p, node, new Node[] {node}, new Node[] {node}));
    }
    Cluster cluster =
        new Cluster("c", List.of(node), infos, java.util.Set.of(), java.util.Set.of());
    // MockProducer without a partitioner uses the producer's built-in key hashing.
    try (MockProducer<String, String> producer =
        new MockProducer<>(cluster, true, null, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 500; i++) {
        String user = "user-" + i + (i % 7 == 0 ? "-ünïcode" : "");
        int expected = producer.send(new ProducerRecord<>("t", user, "v")).get().partition();
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
