package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.testapp.DeliveryKafka;
import io.regen.realtime.gateway.testapp.TestSession;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 item 9, the gateway's side: when the broker does not answer a subscribe's offset
 * look-ups, the subscribe retries them (each attempt bounded, sent again with fresh metadata) until
 * its deadline and then fails with the typed, retryable {@link DeliveryUnavailableException} (the
 * protocol's {@code unavailable} error with {@code retryAfterMs}), not an internal error and not a
 * hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubscribeUnavailableIT {

  @Test
  void aSubscribeTheBrokerCannotAnswerIsATypedRetryableFailureWithinItsDeadline() {
    DeliveryKafka kafka = new DeliveryKafka();
    Topic<String, JobEvent> topic = kafka.newTopic();
    DeliveryProperties props =
        new DeliveryProperties(
            null, null, 0, 0, null, null, 0, 0, 0, null, Duration.ofSeconds(3), 0);
    KafkaEventDelivery delivery =
        new KafkaEventDelivery(
            topic,
            kafka.clients(),
            kafka.deserializer(),
            props,
            new DeliveryMetrics(new SimpleMeterRegistry()),
            null);
    delivery.start();
    try {
      TestSession before = new TestSession("u-before");
      delivery.subscribe(before, null).start();
      await().until(() -> delivery.assignedPartitions().size() == 1);

      kafka.close(); // the only broker is gone: no leader answers

      TestSession after = new TestSession("u-after");
      assertThatThrownBy(() -> delivery.subscribe(after, null))
          .isInstanceOf(DeliveryUnavailableException.class)
          .hasMessageContaining("cannot read offsets")
          .satisfies(
              e ->
                  assertThat(((DeliveryUnavailableException) e).retryAfterMs())
                      .isEqualTo(CursorResolver.RETRY_AFTER_MS));
      assertThat(after.received()).isEmpty();
    } finally {
      delivery.close();
    }
  }
}
