package io.regen.realtime.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"worker\" password=\"s3cret\";";

  @TempDir Path dir;

  @Test
  void withoutSettingsEveryClientGetsOnlyTheServersAndItsRoleDefaults() {
    KafkaClientConfigs configs = KafkaClientConfigs.of("localhost:9092", Map.of());
    assertThat(configs.common()).containsExactly(Map.entry("bootstrap.servers", "localhost:9092"));
    assertThat(configs.producer("p"))
        .containsEntry("client.id", "p")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
    assertThat(configs.consumer("c"))
        .containsEntry("client.id", "c")
        .containsEntry("enable.auto.commit", false);
    assertThat(configs.admin("a")).containsEntry("client.id", "a").hasSize(2);
    assertThat(configs.streams()).containsEntry("bootstrap.servers", "localhost:9092");
  }

  @Test
  void securityVariablesEnterEveryKindOfClient() throws Exception {
    Path truststore = Files.writeString(dir.resolve("trust.p12"), "not read here");
    Map<String, String> env =
        Map.of(
            "KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
            "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "KAFKA_SASL_JAAS_CONFIG", JAAS,
            "KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(),
            "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
            "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
            "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "");
    KafkaClientConfigs configs = KafkaClientConfigs.of("kafka:9093", env);
    Map<String, Object> expected =
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", JAAS,
            "ssl.truststore.location", truststore.toString(),
            "ssl.truststore.password", "changeit",
            "ssl.truststore.type", "PKCS12");
    assertThat(configs.producer("p")).containsAllEntriesOf(expected);
    assertThat(configs.consumer("c")).containsAllEntriesOf(expected);
    assertThat(configs.admin("a")).containsAllEntriesOf(expected);
    assertThat(configs.streams()).containsAllEntriesOf(expected);
    // An empty value means "not set"; Kafka's default (https) stays.
    assertThat(configs.common()).doesNotContainKey("ssl.endpoint.identification.algorithm");
  }

  @Test
  void thePropertiesFileGoesToEveryClientAndTheVariablesWin() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("client.properties"),
            "security.protocol=SASL_PLAINTEXT\n"
                + "sasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=from-file\n"
                + "request.timeout.ms=15000\n");
    KafkaClientConfigs configs =
        KafkaClientConfigs.of(
            "kafka:9092",
            Map.of("REGEN_KAFKA_PROPERTIES", file.toString(), "KAFKA_SASL_JAAS_CONFIG", JAAS));
    assertThat(configs.consumer("c"))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("sasl.jaas.config", JAAS)
        .containsEntry("request.timeout.ms", "15000");
  }

  @Test
  void aRoleSettingWinsOverTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("c.properties"), "acks=1\nclient.id=shared\n");
    KafkaClientConfigs configs =
        KafkaClientConfigs.of("kafka:9092", Map.of("REGEN_KAFKA_PROPERTIES", file.toString()));
    assertThat(configs.producer("worker-1"))
        .containsEntry("acks", "all")
        .containsEntry("client.id", "worker-1");
  }

  @Test
  void secretsAreMaskedInToString() {
    KafkaClientConfigs configs =
        KafkaClientConfigs.of(
            "kafka:9092",
            Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_JAAS_CONFIG", JAAS));
    assertThat(configs.toString()).contains("sasl.jaas.config=[hidden]").doesNotContain("s3cret");
  }

  @Test
  void anUnknownProtocolIsRefusedNamingTheVariable() {
    assertThatThrownBy(
            () -> KafkaClientConfigs.of("k:9092", Map.of("KAFKA_SECURITY_PROTOCOL", "TLS")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_SECURITY_PROTOCOL")
        .hasMessageContaining("SASL_SSL");
  }

  @Test
  void saslSettingsWithoutASaslProtocolAreRefused() {
    assertThatThrownBy(
            () -> KafkaClientConfigs.of("k:9092", Map.of("KAFKA_SASL_MECHANISM", "PLAIN")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sasl.mechanism")
        .hasMessageContaining("PLAINTEXT");
  }

  @Test
  void aSaslProtocolWithoutCredentialsIsRefused() {
    assertThatThrownBy(
            () -> KafkaClientConfigs.of("k:9092", Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG");
  }

  @Test
  void aMissingStoreOrFileIsRefusedNamingIt() {
    Path missing = dir.resolve("missing.jks");
    assertThatThrownBy(
            () ->
                KafkaClientConfigs.of(
                    "k:9092",
                    Map.of(
                        "KAFKA_SECURITY_PROTOCOL",
                        "SSL",
                        "KAFKA_SSL_KEYSTORE_LOCATION",
                        missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssl.keystore.location")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(
            () ->
                KafkaClientConfigs.of(
                    "k:9092", Map.of("REGEN_KAFKA_PROPERTIES", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REGEN_KAFKA_PROPERTIES")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aTypoInATlsVariableIsRefused() {
    assertThatThrownBy(
            () -> KafkaClientConfigs.of("k:9092", Map.of("KAFKA_SSL_TRUSTSTORE_LOCATON", "/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_LOCATON")
        .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_LOCATION");
  }

  @Test
  void bootstrapServersInTheFileOrMissingServersAreRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("b.properties"), "bootstrap.servers=other:9092\n");
    assertThatThrownBy(
            () ->
                KafkaClientConfigs.of("k:9092", Map.of("REGEN_KAFKA_PROPERTIES", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> KafkaClientConfigs.of(" ", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap servers");
  }
}
