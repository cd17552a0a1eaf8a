package io.regen.realtime.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigFactoryTest {
  @Test
  void producesExactlyOnceStaticMembershipBoundedRocksDb() {
    StreamsSettings settings =
        StreamsSettings.defaults("broker:9092", "node-7", Path.of("/tmp/state"))
            .withApplicationServer("host-7:8082")
            .withStandbys(1)
            .withReplicationFactor((short) 3)
            .withExtra(Map.of("commit.interval.ms", 50));
    Properties p = StreamsConfigFactory.create(settings);
    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    assertThat(p.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
    assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    assertThat(p.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("host-7:8082");
    assertThat(p.get("main.consumer.group.instance.id")).isEqualTo("regen-streams-v2-node-7");
    assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedMemoryRocksDbConfig.class);
    assertThat(p.get(BoundedMemoryRocksDbConfig.BLOCK_CACHE_BYTES)).isEqualTo(64L << 20);
    assertThat(p.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(RegistryAwareDeserializationHandler.class);
    assertThat(p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(DeadLetterProcessingHandler.class);
    assertThat(p.get("topic.min.insync.replicas"))
        .as("changelogs, repartition topics")
        .isEqualTo("2");
    assertThat(p.get("commit.interval.ms")).isEqualTo(50);
    // Kafka accepts the whole set.
    new StreamsConfig(p);
  }

  @Test
  void takesTheClusterSecuritySettingsFromTheOneClientConfigBuilder() {
    StreamsSettings settings = StreamsSettings.defaults("broker:9093", "node-7", Path.of("/tmp/s"));
    Properties p =
        StreamsConfigFactory.create(
            settings,
            KafkaClientConfigs.of(
                "broker:9093",
                Map.of(
                    "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                    "KAFKA_SASL_JAAS_CONFIG", "x required;")));
    assertThat(p.get("bootstrap.servers")).isEqualTo("broker:9093");
    assertThat(p.get("security.protocol")).isEqualTo("SASL_PLAINTEXT");
    assertThat(p.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-256");
    assertThat(p.get("sasl.jaas.config")).isEqualTo("x required;");
    assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
  }

  @Test
  void internalTopicsOfASingleReplicaGetMinInsyncOne() {
    Properties p =
        StreamsConfigFactory.create(StreamsSettings.defaults("b:9092", "n", Path.of("/tmp/s")));
    assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
    assertThat(p.get("topic.min.insync.replicas")).isEqualTo("1");
  }

  @Test
  void commitsEverySecondAndFetchesTheMainConsumerInBatches() {
    Properties p =
        StreamsConfigFactory.create(StreamsSettings.defaults("b:9092", "n", Path.of("/tmp/s")));
    assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1000L);
    assertThat(p.get("main.consumer.fetch.min.bytes")).isEqualTo(64 * 1024);
    assertThat(p.get("main.consumer.fetch.max.wait.ms")).isEqualTo(50);
    StreamsConfig config = new StreamsConfig(p);
    assertThat(config.getMainConsumerConfigs("g", "c", 0))
        .containsEntry("fetch.min.bytes", 64 * 1024)
        .containsEntry("fetch.max.wait.ms", 50);
    assertThat(config.getRestoreConsumerConfigs("c"))
        .as("restoring reads as fast as it can")
        .doesNotContainEntry("fetch.min.bytes", 64 * 1024);
  }

  @Test
  void theExactlyOnceProducerSendsWhatACommitFlushesInLargeBatches() {
    StreamsConfig config =
        new StreamsConfig(
            StreamsConfigFactory.create(
                StreamsSettings.defaults("b:9092", "n", Path.of("/tmp/s"))));
    assertThat(config.getProducerConfigs("c")).containsEntry("batch.size", 256 * 1024);
  }

  @Test
  void rejectsBadSettings() {
    StreamsSettings ok = StreamsSettings.defaults("b:9092", "n", Path.of("/tmp/s"));
    assertThatThrownBy(() -> ok.withApplicationServer("no-port"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ok.withReplicationFactor((short) 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ok.withStandbys(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
