package io.regen.realtime.query.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicPartitionCountTest {
  @Test
  void unknownWhenNoBrokerAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(
            TopicPartitionCount.of("localhost:" + port, "jobs.events.v1", Duration.ofMillis(500)))
        .isZero();
  }

  @Test
  void unknownWhenTheAddressIsNotUsable() {
    assertThat(TopicPartitionCount.of("not a host list", "jobs.events.v1", Duration.ofMillis(500)))
        .isZero();
  }
}
