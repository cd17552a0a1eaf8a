package io.regen.realtime.platform.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.RegenEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpringRoleTest {
  private static final String SECRET = "k".repeat(40);

  @Test
  void streamsServesOn8082WithItsOwnStateDirectory() {
    RegenEnvironment env =
        new RegenEnvironment(
            Map.of(
                "JWT_SECRET", SECRET,
                "REGEN_NODE_ID", "streams-a",
                "REGEN_DATA_DIR", "/var/lib/regen",
                "KAFKA_BOOTSTRAP_SERVERS", "k1:9092",
                "SCHEMA_REGISTRY_URL", "http://registry:8081"));
    assertThat(SpringRole.streams().properties(env))
        .containsEntry("server.port", 8082)
        .containsEntry("regen.node-id", "streams-a")
        .containsEntry("regen.streams.enabled", true)
        .containsEntry("regen.gateway.enabled", false)
        .containsEntry("regen.streams.state-dir", "/var/lib/regen/streams-streams-a")
        .containsEntry("regen.kafka.bootstrap-servers", "k1:9092")
        .containsEntry("regen.schema-registry.url", "http://registry:8081")
        .containsEntry("regen.jwt.secret", SECRET);
  }

  @Test
  void gatewayServesOn8080AndFindsTheQueryApi() {
    RegenEnvironment env =
        new RegenEnvironment(Map.of("JWT_SECRET", SECRET, "QUERY_API_URL", "http://streams:8082"));
    assertThat(SpringRole.gateway().properties(env))
        .containsEntry("server.port", 8080)
        .containsEntry("regen.gateway.enabled", true)
        .containsEntry("regen.streams.enabled", false)
        .containsEntry("regen.gateway.state-url", "http://streams:8082")
        .containsEntry("regen.kafka.bootstrap-servers", "localhost:9092")
        .containsEntry("regen.schema-registry.url", "http://localhost:8081");
    assertThat(
            SpringRole.gateway()
                .properties(new RegenEnvironment(Map.of("JWT_SECRET", SECRET, "PORT", "9000"))))
        .containsEntry("server.port", 9000)
        .containsEntry("regen.gateway.state-url", "http://localhost:8082");
  }

  @Test
  void withoutSecretOrPublicKeyTheRolesRefuseToStart() {
    RegenEnvironment env = new RegenEnvironment(Map.of());
    assertThatThrownBy(() -> SpringRole.gateway().properties(env))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("JWT_SECRET");
    assertThat(
            SpringRole.streams()
                .properties(new RegenEnvironment(Map.of("JWT_PUBLIC_KEY", "/etc/jwt.pem"))))
        .containsEntry("regen.jwt.public-key", "/etc/jwt.pem")
        .doesNotContainKey("regen.jwt.secret");
  }
}
