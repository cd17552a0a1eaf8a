package io.regen.realtime.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class GatewayKafkaClientsTest {
  private final GatewayKafkaClients clients =
      new GatewayKafkaClients("localhost:1", Map.of(), Duration.ofMillis(10));

  @Test
  void consumersAreAnsweredAtTheFirstRecordByDefault() {
    Map<String, Object> c = clients.consumerConfig("c", "latest");

    assertThat(c).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    assertThat(c).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    assertThat(c).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
  }

  @Test
  void fetchMinBytesIsAppliedToEveryConsumerAndKeepsTheRest() {
    GatewayKafkaClients batched = clients.withFetchMinBytes(4096);

    Map<String, Object> c = batched.consumerConfig("c", "earliest");

    assertThat(c).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 4096);
    assertThat(c).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    assertThat(c).containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    assertThat(clients.consumerConfig("c", "latest"))
        .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
  }

  @Test
  void aFetchMinBytesBelowOneIsRefused() {
    assertThatThrownBy(() -> clients.withFetchMinBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fetch.min.bytes must be >= 1");
  }
}
