package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {
  private static final String THREE = "1@localhost:19093,2@localhost:29093,3@localhost:39093";

  @Test
  void clusterIdIsAValidKafkaIdDerivedFromTheQuorum() {
    String a = BrokerSettings.deriveClusterId(THREE);
    assertThat(Uuid.fromString(a).toString()).isEqualTo(a);
    assertThat(BrokerSettings.deriveClusterId(THREE)).isEqualTo(a);
    assertThat(BrokerSettings.deriveClusterId("1@localhost:9093")).isNotEqualTo(a);
  }

  @Test
  void singleNodeIsItsOwnQuorumWithReplicationOne() {
    BrokerSettings s = BrokerSettings.singleNode(9092, 9093, Path.of("/tmp/k"));
    assertThat(s.quorumVoters()).isEqualTo("1@localhost:9093");
    assertThat(s.voterCount()).isEqualTo(1);
    Map<String, String> p = EmbeddedKraftBroker.brokerProperties(s);
    assertThat(p)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("controller.quorum.voters", "1@localhost:9093")
        .containsEntry("listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("broker.session.timeout.ms", "3000")
        .containsEntry("broker.heartbeat.interval.ms", "1000")
        .containsEntry("log.cleaner.dedupe.buffer.size", "4194304")
        .containsEntry("log.dirs", "/tmp/k");
  }

  @Test
  void aSingleNodeRunsSmallThreadPoolsAndFewInternalPartitions() {
    Map<String, String> p =
        EmbeddedKraftBroker.brokerProperties(
            BrokerSettings.singleNode(9092, 9093, Path.of("/tmp/k")));
    assertThat(p)
        .containsEntry("num.network.threads", "2")
        .containsEntry("num.io.threads", "4")
        .containsEntry("background.threads", "2")
        .containsEntry("group.coordinator.threads", "1")
        .containsEntry("share.coordinator.threads", "1")
        .containsEntry("offsets.topic.num.partitions", "4")
        .containsEntry("transaction.state.log.num.partitions", "4");
    KafkaConfig config = new KafkaConfig(p, false);
    assertThat(config.getInt("num.io.threads")).isEqualTo(4);
    assertThat(config.getInt("group.coordinator.threads")).isEqualTo(1);
  }

  @Test
  void aThreeNodeQuorumKeepsKafkasInternalPartitionCounts() {
    BrokerSettings s =
        new BrokerSettings(2, "localhost", 29092, 29093, THREE, Path.of("/tmp/b2"), null, Map.of());
    assertThat(EmbeddedKraftBroker.brokerProperties(s))
        .doesNotContainKeys("offsets.topic.num.partitions", "transaction.state.log.num.partitions");
  }

  @Test
  void aThreeNodeQuorumReplicatesInternalTopicsThreeTimes() {
    BrokerSettings s =
        new BrokerSettings(2, "localhost", 29092, 29093, THREE, Path.of("/tmp/b2"), null, Map.of());
    Map<String, String> p = EmbeddedKraftBroker.brokerProperties(s);
    assertThat(p)
        .containsEntry("node.id", "2")
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2");
  }

  @Test
  void overridesApplyLast() {
    BrokerSettings s =
        new BrokerSettings(
            1,
            "localhost",
            9092,
            9093,
            null,
            Path.of("/tmp/k"),
            null,
            Map.of("num.io.threads", "16"));
    assertThat(EmbeddedKraftBroker.brokerProperties(s)).containsEntry("num.io.threads", "16");
  }

  @Test
  void rejectsInvalidSettings() {
    assertThatThrownBy(() -> BrokerSettings.singleNode(9092, 9092, Path.of("/tmp/k")))
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> BrokerSettings.singleNode(0, 9093, Path.of("/tmp/k")))
        .hasMessageContaining("port must be in 1..65535");
    assertThatThrownBy(
            () ->
                new BrokerSettings(-1, "localhost", 9092, 9093, null, Path.of("/tmp"), null, null))
        .hasMessageContaining("node id");
  }
}
