package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.DeliveryHealthIndicator;
import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.delivery.KafkaEventDelivery;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.platform.testing.BrokerCluster;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/**
 * The gateway's {@code delivery} health on a real three-node cluster (separate broker processes):
 * UP once the dispatcher polls, DOWN after every broker went away ({@code kill -9}), UP again once
 * they are back, DOWN after close. Waits on the health value itself.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GatewayDeliveryHealthIT {
  /** Short, so the test is quick; the production bound (15 s) is DeliveryHealthIndicatorTest's. */
  private static final Duration BOUND = Duration.ofSeconds(3);

  @TempDir Path dataDir;

  /** A connected client that accepts every frame. */
  private record OpenSession(String sessionId, String userId) implements ClientSession {
    @Override
    public boolean offer(String frame) {
      return true;
    }

    @Override
    public int pendingFrames() {
      return 0;
    }

    @Override
    public void close(CloseCode code, String reason) {}

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  @Test
  void downWhileTheBrokersAreGoneAndUpAgainOnceTheyAnswer() throws Exception {
    BrokerCluster cluster =
        BrokerCluster.start(dataDir, Path.of("target", "gateway-delivery-health-it"));
    KafkaEventDelivery delivery = null;
    try {
      String name = "delivery-health-" + UUID.randomUUID();
      try (Admin admin = cluster.admin()) {
        admin
            .createTopics(List.of(new NewTopic(name, 3, (short) 3)))
            .all()
            .get(60, TimeUnit.SECONDS);
      }
      delivery =
          new KafkaEventDelivery(
              new Topic<>(name, Serdes.String(), JobEvent.class),
              new GatewayKafkaClients(
                  cluster.bootstrap(), Map.of(), DeliveryProperties.defaults().fetchMaxWait()),
              new RegistrySerdes(new InMemorySchemaRegistryClient())
                  .valueDeserializer(Topics.JOB_EVENTS),
              DeliveryProperties.defaults(),
              new DeliveryMetrics(new SimpleMeterRegistry()),
              null);
      DeliveryHealthIndicator health = new DeliveryHealthIndicator(delivery, BOUND);
      assertThat(health.health().getStatus()).as("before start").isEqualTo(Status.DOWN);
      delivery.start();
      KafkaEventDelivery started = delivery;
      started.subscribe(new OpenSession("s-1", "u-health"), null).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> started.assignedPartitions().size() == 1);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> health.health().getStatus().equals(Status.UP));

      for (int i = 0; i < BrokerCluster.SIZE; i++) {
        cluster.kill(i);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> health.health().getStatus().equals(Status.DOWN));
      assertThat(String.valueOf(health.health().getDetails().get("lastPoll"))).endsWith("ms ago");

      for (int i = 0; i < BrokerCluster.SIZE; i++) {
        cluster.startNode(i);
      }
      for (int i = 0; i < BrokerCluster.SIZE; i++) {
        cluster.awaitReady(i);
      }
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> health.health().getStatus().equals(Status.UP));

      delivery.close();
      assertThat(health.health().getStatus()).as("after close").isEqualTo(Status.DOWN);
    } finally {
      if (delivery != null) {
        delivery.close();
      }
      cluster.close();
    }
  }
}
