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
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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

  private RegenProcess startBroker(int i, int[] ports, int[] controllerPorts, String quorum) {
    try {
      return RegenProcess.start(
          Map.of("REGEN_DATA_DIR", dataDir.toString()),
          Path.of("target", "gateway-broker-loss-it", "broker-" + (i + 1) + ".log"),
          "broker",
          "--node-id",
          Integer.toString(i + 1),
          "--port",
          Integer.toString(ports[i]),
          "--controller-port",
          Integer.toString(controllerPorts[i]),
          "--quorum",
          quorum);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitReady(RegenProcess broker, int times) {
    await()
        .atMost(Duration.ofMinutes(2))
        .failFast("broker exited; see " + broker.log(), () -> !broker.isAlive())
        .until(() -> broker.output().split("regen: ready in", -1).length > times);
  }

  @Test
  void newSessionsAreWelcomedWithinSecondsOfLosingEachBrokerInTurn() throws Exception {
    int[] ports = new int[3];
    int[] controllerPorts = new int[3];
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ports[i] = FreePorts.next();
      controllerPorts[i] = FreePorts.next();
      voters.add((i + 1) + "@localhost:" + controllerPorts[i]);
    }
    String quorum = String.join(",", voters);
    String bootstrap =
        "localhost:" + ports[0] + ",localhost:" + ports[1] + ",localhost:" + ports[2];
    List<RegenProcess> brokers = new ArrayList<>();
    KafkaEventDelivery delivery = null;
    try {
      for (int i = 0; i < 3; i++) {
        brokers.add(startBroker(i, ports, controllerPorts, quorum));
      }
      for (RegenProcess broker : brokers) {
        awaitReady(broker, 1);
      }
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
                  null, null, 0, 0, null, null, 0, 0, 0, null, Duration.ofSeconds(6)),
              new DeliveryMetrics(new SimpleMeterRegistry()),
              null);
      delivery.start();
      int[] restarts = {1, 1, 1};
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

          brokers.get(round).kill();

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

          brokers.set(round, startBroker(round, ports, controllerPorts, quorum));
          awaitReady(brokers.get(round), restarts[round]);
          try (Admin admin =
              Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
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
      for (RegenProcess b : brokers) {
        if (b.isAlive()) {
          b.kill();
        }
      }
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
