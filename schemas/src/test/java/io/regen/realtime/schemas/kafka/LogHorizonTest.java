package io.regen.realtime.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LogHorizonTest {
  private final TopicPartition tp = new TopicPartition("jobs.events.v1", 3);

  @Test
  void aFirstOffsetBeforeTheLogStartIsTruncated() {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updateBeginningOffsets(Map.of(tp, 100L));
    Duration t = Duration.ofSeconds(1);
    assertThat(LogHorizon.logStartOffset(consumer, tp, t)).isEqualTo(100L);
    assertThat(LogHorizon.isTruncated(consumer, tp, 99, t)).isTrue();
    assertThat(LogHorizon.isTruncated(consumer, tp, 100, t)).isFalse();
    assertThat(LogHorizon.isTruncated(consumer, tp, 250, t)).isFalse();
  }

  @Test
  void anUnknownPartitionIsAClearError() {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    assertThatThrownBy(() -> LogHorizon.isTruncated(consumer, tp, 0, Duration.ofSeconds(1)))
        .isInstanceOf(RuntimeException.class);
  }
}
