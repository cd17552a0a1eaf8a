package io.regen.realtime.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.testapp.TestSession;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.health.contributor.Status;

/**
 * A gateway started before its brokers (nothing listens at the bootstrap address yet) still turns
 * ready: with no session connected the dispatcher has nothing to fetch, so its health is UP once
 * its start-up look-ups gave up and it waits for commands — readiness never waits on a broker that
 * comes up later. (Brokers going away under live sessions: GatewayDeliveryHealthIT in platform.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeliveryHealthBeforeBrokerIT {

  /** Delivery pointed at a port nothing listens on (bound once, then freed), not started. */
  private static KafkaEventDelivery withNoBroker(DeliveryProperties props) throws IOException {
    int nothingListens;
    try (ServerSocket s = new ServerSocket(0)) {
      nothingListens = s.getLocalPort();
    }
    return new KafkaEventDelivery(
        new Topic<>("no-broker-" + nothingListens, Serdes.String(), JobEvent.class),
        new GatewayKafkaClients("localhost:" + nothingListens, Map.of(), props.fetchMaxWait()),
        new RegistrySerdes(new InMemorySchemaRegistryClient()).valueDeserializer(Topics.JOB_EVENTS),
        props,
        new DeliveryMetrics(new SimpleMeterRegistry()),
        null);
  }

  @Test
  void aDispatcherWithNoSessionIsUpEvenBeforeAnyBrokerAnswers() throws Exception {
    DeliveryProperties props = DeliveryProperties.defaults();
    KafkaEventDelivery delivery = withNoBroker(props);
    DeliveryHealthIndicator health =
        new DeliveryHealthIndicator(delivery, props.healthMaxPollAge());
    try {
      assertThat(health.health().getStatus()).as("before start").isEqualTo(Status.DOWN);
      delivery.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> health.health().getStatus().equals(Status.UP));
      assertThat(health.health().getDetails()).containsKey("lastPoll");
    } finally {
      delivery.close();
    }
    assertThat(health.health().getStatus()).as("after close").isEqualTo(Status.DOWN);
  }

  @Test
  void aSubscribeWithNoBrokerToAnswerFailsUnavailableWithinItsDeadline() throws Exception {
    Duration deadline = Duration.ofSeconds(2);
    DeliveryProperties props =
        new DeliveryProperties(null, null, 0, 0, null, null, 0, 0, 0, null, deadline, 0);
    KafkaEventDelivery delivery = withNoBroker(props);
    try {
      delivery.start();
      long started = System.nanoTime();
      // Neither the partition count nor the offsets can be looked up: the deadline ends it, as
      // the retryable error, and the subscribe leaves nothing registered.
      assertThat(delivery.subscribeAsync(new TestSession("no-broker-user"), null))
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(DeliveryUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("bounded by the subscribe timeout, not the admin client's 60 s")
          .isLessThan(deadline.multipliedBy(5));
      assertThat(delivery.sessionCount()).isZero();
    } finally {
      delivery.close();
    }
  }
}
