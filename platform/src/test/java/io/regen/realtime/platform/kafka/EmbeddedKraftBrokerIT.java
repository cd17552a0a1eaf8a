package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.Durability;
import io.regen.realtime.schemas.kafka.DurabilityException;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.kafka.TopicProvisioning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class EmbeddedKraftBrokerIT {
  private static final String TOPIC = "broker-it-" + UUID.randomUUID();

  @TempDir Path dataDir;

  @Test
  void recordsSurviveAGracefulRestartAndPortsAreFreed() throws Exception {
    BrokerSettings settings =
        BrokerSettings.singleNode(FreePorts.next(), FreePorts.next(), dataDir.resolve("kafka"));

    try (EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings).start()) {
      broker.awaitReady(Duration.ofSeconds(60));
      assertThat(broker.isReady()).isTrue();
      // The bounded controlled-shutdown wait depends on reaching the broker half of the node.
      assertThat(EmbeddedKraftBroker.brokerPart(broker.server())).isPresent();
      try (Admin admin = Admin.create(adminProps(broker))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = producer(broker)) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "user-" + (i % 7), "event-" + i)).get();
        }
      }
    }
    String metaAfterFirstStart = Files.readString(settings.logDir().resolve("meta.properties"));
    assertThat(FreePorts.isFree(settings.port())).as("client port freed").isTrue();
    assertThat(FreePorts.isFree(settings.controllerPort())).as("controller port freed").isTrue();

    try (EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings).start()) {
      broker.awaitReady(Duration.ofSeconds(60));
      assertThat(Files.readString(settings.logDir().resolve("meta.properties")))
          .as("storage reused, not reformatted")
          .isEqualTo(metaAfterFirstStart);
      List<String> values = readAll(broker, 100);
      assertThat(values).hasSize(100);
      assertThat(values).containsExactlyInAnyOrderElementsOf(expectedValues());
    }
  }

  @Test
  void isNotReadyBeforeStartNorAfterClose() throws Exception {
    BrokerSettings settings =
        BrokerSettings.singleNode(FreePorts.next(), FreePorts.next(), dataDir.resolve("k2"));
    EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings);
    assertThat(broker.isReady()).isFalse();
    broker.start().awaitReady(Duration.ofSeconds(60));
    assertThat(broker.isReady()).isTrue();
    broker.close();
    assertThat(broker.isReady()).isFalse();
    broker.close(); // idempotent
  }

  @Test
  void provisionerCreatesMissingTopicsOnceAndLeavesExistingOnesAlone() throws Exception {
    BrokerSettings settings =
        BrokerSettings.singleNode(FreePorts.next(), FreePorts.next(), dataDir.resolve("k3"));
    try (EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings).start()) {
      broker.awaitReady(Duration.ofSeconds(60));
      try (Admin admin = Admin.create(adminProps(broker))) {
        admin
            .createTopics(List.of(new NewTopic(Topics.JOB_REQUESTS.name(), 2, (short) 1)))
            .all()
            .get();
      }
      try (Admin provisioningAdmin =
          PlatformTopics.admin(KafkaClientConfigs.plaintext(broker.bootstrapServers()))) {
        TopicProvisioning provisioner =
            PlatformTopics.provisioning(provisioningAdmin, Durability.expecting(1));
        assertThat(provisioner.liveBrokers()).isEqualTo(1);
        var specs = PlatformTopics.specs(5, Duration.ofDays(3));
        assertThat(provisioner.ensure(specs))
            .containsExactlyInAnyOrder(
                Topics.JOB_EVENTS.name(),
                Topics.GATEWAY_SESSIONS.name(),
                Topics.STREAMS_DEAD_LETTERS.name());
        assertThat(provisioner.ensure(specs)).isEmpty();
        assertThatThrownBy(
                () ->
                    PlatformTopics.provisioning(provisioningAdmin, Durability.expecting(3))
                        .ensure(specs))
            .isInstanceOf(DurabilityException.class)
            .hasMessageContaining("1 live broker(s)");
        var retention =
            provisioningAdmin
                .describeConfigs(
                    List.of(
                        new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                            Topics.JOB_EVENTS.name())))
                .all()
                .get()
                .values()
                .iterator()
                .next()
                .get("retention.ms")
                .value();
        assertThat(retention).as("retention set explicitly").isEqualTo("259200000");
      }

      try (Admin admin = Admin.create(adminProps(broker))) {
        var descriptions =
            admin
                .describeTopics(Topics.all().stream().map(t -> t.name()).toList())
                .allTopicNames()
                .get();
        assertThat(descriptions.get(Topics.JOB_EVENTS.name()).partitions()).hasSize(5);
        assertThat(descriptions.get(Topics.JOB_REQUESTS.name()).partitions())
            .as("existing topic untouched")
            .hasSize(2);
      }
    }
  }

  private static List<String> expectedValues() {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      values.add("event-" + i);
    }
    return values;
  }

  private static List<String> readAll(EmbeddedKraftBroker broker, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          List.of(
              new TopicPartition(TOPIC, 0),
              new TopicPartition(TOPIC, 1),
              new TopicPartition(TOPIC, 2));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  values.add(r.value());
                }
                return values.size() >= expected;
              });
    }
    return values;
  }

  private static KafkaProducer<String, String> producer(EmbeddedKraftBroker broker) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static Properties adminProps(EmbeddedKraftBroker broker) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return p;
  }
}
