package io.regen.realtime.platform.roles;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.kafka.BrokerSecurity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpRoleCredentialTest {
  private static final BrokerSecurity SECURED =
      new BrokerSecurity(Map.of("broker", "b-pass", "admin", "a-pass"));

  @Test
  void aSecuredEmbeddedBrokerWithoutAClientCredentialRefusesToStartNamingWhatToSet() {
    assertThatThrownBy(
            () -> UpRole.requireClientCredential(SECURED, new RegenEnvironment(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_SASL_USERS_FILE")
        .hasMessageContaining("security.protocol PLAINTEXT")
        .hasMessageContaining("REGEN_KAFKA_PROPERTIES")
        .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG");
  }

  @Test
  void aSecuredEmbeddedBrokerStartsWhenTheClientsHaveASaslCredential() {
    RegenEnvironment env =
        new RegenEnvironment(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL",
                "sasl_plaintext",
                "KAFKA_SASL_MECHANISM",
                BrokerSecurity.SCRAM_MECHANISM,
                "KAFKA_SASL_JAAS_CONFIG",
                SECURED.scramJaasConfig("admin")));
    assertThatCode(() -> UpRole.requireClientCredential(SECURED, env)).doesNotThrowAnyException();
  }

  @Test
  void aPlaintextEmbeddedBrokerNeedsNoCredential() {
    assertThatCode(
            () ->
                UpRole.requireClientCredential(BrokerSecurity.NONE, new RegenEnvironment(Map.of())))
        .doesNotThrowAnyException();
  }
}
