package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.delivery.DeliveryMetrics;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.delivery.KafkaEventDelivery;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.platform.testing.BrokerCluster;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 9: three {@code regen broker} processes serve a gateway's delivery after traffic;
 * each broker in turn (the active controller among them) is killed with {@code kill -9}. New
 * sessions on every partition must still be welcomed (subscribe succeeds) within seconds of the
 * loss, not after the clients' 5-minute metadata refresh.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GatewaySubscribeBrokerLossIT {
  private static final int PARTITIONS = 6;
  @TempDir Path dataDir;

  @Test
  void newSessionsAreWelcomedWithinSecondsOfLosingEachBrokerInTurn() throws Exception {
    BrokerCluster cluster =
        BrokerCluster.start(dataDir, Path.of("target", "gateway-broker-loss-it"));
    String bootstrap = cluster.bootstrap();
    KafkaEventDelivery delivery = null;
    try {
      RegenProcess.runToCompletion(
          Map.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              bootstrap,
              "TOPIC_PARTITIONS",
              Integer.toString(PARTITIONS)),
          Path.of("target", "gateway-broker-loss-it", "topics.log"),
          "topics");

      delivery =
          new KafkaEventDelivery(
              Topics.JOB_EVENTS,
              new GatewayKafkaClients(bootstrap, Map.of(), Duration.ofMillis(10)),
              new RegistrySerdes(new InMemorySchemaRegistryClient())
                  .valueDeserializer(Topics.JOB_EVENTS),
              new DeliveryProperties(
                  null, null, 0, 0, null, null, 0, 0, 0, null, Duration.ofSeconds(6), 0),
              new DeliveryMetrics(new SimpleMeterRegistry()),
              null);
      delivery.start();
      try (KafkaProducer<String, byte[]> traffic =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ProducerConfig.ACKS_CONFIG,
                  "all"),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (int round = 0; round < 3; round++) {
          // Traffic first, and sessions on every partition: the gateway's clients know every
          // leader.
          for (int k = 0; k < 200; k++) {
            traffic.send(
                new ProducerRecord<>(Topics.JOB_EVENTS.name(), "traffic-" + k, new byte[1]));
          }
          traffic.flush();
          for (int k = 0; k < 12; k++) {
            delivery.subscribe(new Session("warm-" + round + "-" + k), null).start();
          }

          cluster.kill(round);

          KafkaEventDelivery d = delivery;
          int r = round;
          AtomicInteger welcomed = new AtomicInteger();
          // Twelve new users spread over the six partitions, some led by the lost broker.
          await()
              .atMost(Duration.ofSeconds(45))
              .ignoreExceptions()
              .until(
                  () -> {
                    while (welcomed.get() < 12) {
                      d.subscribe(new Session("new-" + r + "-" + welcomed.get()), null).start();
                      welcomed.incrementAndGet();
                    }
                    return true;
                  });
          assertThat(welcomed.get()).isEqualTo(12);

          cluster.restart(round);
          try (Admin admin = cluster.admin()) {
            await()
                .atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(() -> admin.describeCluster().nodes().get().size() == 3);
          }
        }
      }
    } finally {
      if (delivery != null) {
        delivery.close();
      }
      cluster.close();
    }
  }

  /** A session that only counts what it is offered: the test is about being welcomed. */
  private static final class Session implements ClientSession {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final String id = "loss-" + IDS.incrementAndGet();
    private final String userId;
    private volatile boolean open = true;

    Session(String userId) {
      this.userId = userId;
    }

    @Override
    public String sessionId() {
      return id;
    }

    @Override
    public String userId() {
      return userId;
    }

    @Override
    public boolean offer(String frame) {
      return open;
    }

    @Override
    public int pendingFrames() {
      return 0;
    }

    @Override
    public void close(CloseCode code, String reason) {
      open = false;
    }

    @Override
    public boolean isOpen() {
      return open;
    }
  }
}
