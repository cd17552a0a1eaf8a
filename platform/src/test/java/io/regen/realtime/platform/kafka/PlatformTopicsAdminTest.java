package io.regen.realtime.platform.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.platform.config.RegenEnvironment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioning admin client ({@code regen topics}, the checks of {@code up} and {@code
 * streams}) takes the role's Kafka connection settings like every other client; bad ones stop it
 * before it connects, naming the variable.
 */
class PlatformTopicsAdminTest {
  @Test
  void anUnknownSecurityProtocolIsRefusedNamingTheVariable() {
    RegenEnvironment env = new RegenEnvironment(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_TLS"));
    assertThatThrownBy(() -> PlatformTopics.admin(env, "localhost:9092").close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_SECURITY_PROTOCOL")
        .hasMessageContaining("SASL_TLS");
  }

  @Test
  void aMissingPropertiesFileIsRefusedNamingTheVariable(@TempDir Path dir) {
    Path missing = dir.resolve("admin.properties");
    RegenEnvironment env =
        new RegenEnvironment(Map.of("REGEN_KAFKA_PROPERTIES", missing.toString()));
    assertThatThrownBy(() -> PlatformTopics.admin(env, "localhost:9092").close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REGEN_KAFKA_PROPERTIES")
        .hasMessageContaining(missing.toString());
  }
}
