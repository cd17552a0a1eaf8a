package io.regen.realtime.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.JwtSettings;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class JwtSettingsResolverTest {

  @Test
  void aShortOrMissingSecretFailsWithAClearMessage() {
    assertThatThrownBy(() -> JwtSettingsResolver.from(new MockEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JWT_SECRET")
        .hasMessageContaining("32 bytes");
    MockEnvironment shortSecret = new MockEnvironment().withProperty("JWT_SECRET", "too-short");
    assertThatThrownBy(() -> JwtSettingsResolver.from(shortSecret))
        .hasMessageContaining("got 9 bytes");
  }

  @Test
  void readsPropertiesThenEnvironmentVariables() {
    JwtSettings fromEnv =
        JwtSettingsResolver.from(
            new MockEnvironment()
                .withProperty("JWT_SECRET", "x".repeat(32))
                .withProperty("JWT_ISSUER", "iss-env"));
    assertThat(fromEnv.issuer()).isEqualTo("iss-env");
    assertThat(fromEnv.audience()).isEqualTo(JwtSettings.DEFAULT_AUDIENCE);
    JwtSettings fromProps =
        JwtSettingsResolver.from(
            new MockEnvironment()
                .withProperty("regen.jwt.secret", "y".repeat(32))
                .withProperty("JWT_SECRET", "short")
                .withProperty("regen.jwt.audience", "aud"));
    assertThat(fromProps.secret()).isEqualTo("y".repeat(32));
    assertThat(fromProps.audience()).isEqualTo("aud");
  }
}
