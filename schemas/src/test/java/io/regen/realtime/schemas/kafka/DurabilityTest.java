package io.regen.realtime.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurabilityTest {
  @Test
  void threeExpectedBrokersGiveReplicationThreeAndMinInsyncTwo() {
    Durability d = Durability.expecting(3);
    assertThat(d.replicationFactor(3)).isEqualTo((short) 3);
    assertThat(d.replicationFactor(5)).isEqualTo((short) 3);
    assertThat(Durability.minInsyncReplicas((short) 3)).isEqualTo(2);
    assertThat(d.streamsProperties(3))
        .containsEntry("replication.factor", 3)
        .containsEntry("topic.min.insync.replicas", "2");
  }

  @Test
  void fewerLiveBrokersThanExpectedIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> Durability.expecting(3).replicationFactor(1))
        .isInstanceOf(DurabilityException.class)
        .hasMessageContaining("1 live broker(s)")
        .hasMessageContaining("expects 3")
        .hasMessageContaining("KAFKA_ALLOW_UNDER_REPLICATED=true");
  }

  @Test
  void underReplicationCanBeAllowedExplicitly() {
    Durability d = new Durability(3, true);
    assertThat(d.replicationFactor(1)).isEqualTo((short) 1);
    assertThat(d.replicationFactor(2)).isEqualTo((short) 2);
    assertThat(Durability.minInsyncReplicas((short) 2)).isEqualTo(1);
  }

  @Test
  void moreLiveBrokersThanExpectedStillGetReplicated() {
    // A single-broker expectation never keeps a 3-broker cluster at replication 1.
    assertThat(Durability.expecting(1).replicationFactor(1)).isEqualTo((short) 1);
    assertThat(Durability.expecting(1).replicationFactor(3)).isEqualTo((short) 3);
  }

  @Test
  void expectedBrokersMustBePositive() {
    assertThatThrownBy(() -> Durability.expecting(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
