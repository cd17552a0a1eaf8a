package io.regen.realtime.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpSettingsTest {
  @Test
  void defaultsMatchTheReadme() {
    UpSettings s = UpSettings.from(new RegenEnvironment(Map.of()));
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.schemaRegistryPort()).isEqualTo(8081);
    assertThat(s.kafkaPort()).isEqualTo(9092);
    assertThat(s.kafkaControllerPort()).isEqualTo(9093);
    assertThat(s.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
    assertThat(s.externalBootstrapServers()).isEmpty();
    assertThat(s.externalSchemaRegistryUrl()).isEmpty();
    assertThat(s.topicPartitions()).as("embedded single-node broker").isEqualTo(4);
    assertThat(s.embeddedBroker().logDir()).isEqualTo(s.dataDir().resolve("kafka"));
    assertThat(s.embeddedBroker().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(s.embeddedBroker().quorumVoters()).isEqualTo("1@localhost:9093");
  }

  @Test
  void readsEveryVariable() {
    UpSettings s =
        UpSettings.from(
            new RegenEnvironment(
                Map.of(
                    "PORT", "9000",
                    "SCHEMA_REGISTRY_PORT", "9001",
                    "KAFKA_PORT", "9500",
                    "REGEN_DATA_DIR", "/var/lib/regen",
                    "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
                    "SCHEMA_REGISTRY_URL", "http://registry:8081",
                    "TOPIC_PARTITIONS", "24")));
    assertThat(s.httpPort()).isEqualTo(9000);
    assertThat(s.schemaRegistryPort()).isEqualTo(9001);
    assertThat(s.kafkaPort()).isEqualTo(9500);
    assertThat(s.kafkaControllerPort()).as("KAFKA_PORT + 1").isEqualTo(9501);
    assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/regen"));
    assertThat(s.externalBootstrapServers()).contains("k1:9092,k2:9092");
    assertThat(s.externalSchemaRegistryUrl()).contains("http://registry:8081");
    assertThat(s.topicPartitions()).isEqualTo(24);
    assertThat(s.streamsStateDir()).isEqualTo(Path.of("/var/lib/regen/streams"));
  }

  @Test
  void topicsCreatedOnAClusterDefaultToTwelvePartitions() {
    UpSettings s =
        UpSettings.from(new RegenEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092")));
    assertThat(s.topicPartitions()).isEqualTo(12);
  }

  @Test
  void blankVariablesCountAsUnset() {
    UpSettings s =
        UpSettings.from(new RegenEnvironment(Map.of("PORT", " ", "KAFKA_BOOTSTRAP_SERVERS", "")));
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.externalBootstrapServers()).isEmpty();
    assertThat(s.topicPartitions()).as("a blank address is the embedded broker").isEqualTo(4);
  }

  @Test
  void invalidValuesFailNamingTheVariable() {
    assertThatThrownBy(() -> UpSettings.from(new RegenEnvironment(Map.of("PORT", "http"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PORT")
        .hasMessageContaining("'http'");
    assertThatThrownBy(() -> UpSettings.from(new RegenEnvironment(Map.of("KAFKA_PORT", "70000"))))
        .hasMessageContaining("KAFKA_PORT must be a port in 1..65535");
    assertThatThrownBy(() -> UpSettings.from(new RegenEnvironment(Map.of("TOPIC_PARTITIONS", "0"))))
        .hasMessageContaining("TOPIC_PARTITIONS must be a positive number");
    assertThatThrownBy(
            () ->
                UpSettings.from(
                        new RegenEnvironment(
                            Map.of("KAFKA_PORT", "9000", "KAFKA_CONTROLLER_PORT", "9000")))
                    .embeddedBroker())
        .hasMessageContaining("must differ");
  }

  @Test
  void aSecuredEmbeddedBrokerNeedsClientCredentialsForUpItself(@TempDir Path dir) throws Exception {
    Path users = Files.writeString(dir.resolve("users"), "broker=b\nadmin=a\n");
    assertThatThrownBy(
            () ->
                UpSettings.from(
                    new RegenEnvironment(Map.of("KAFKA_SASL_USERS_FILE", users.toString()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REGEN_KAFKA_PROPERTIES");
    UpSettings secured =
        UpSettings.from(
            new RegenEnvironment(
                Map.of(
                    "KAFKA_SASL_USERS_FILE", users.toString(),
                    "REGEN_KAFKA_PROPERTIES", dir.resolve("admin.properties").toString())));
    assertThat(secured.embeddedBroker().security().users()).containsKeys("broker", "admin");
  }
}
