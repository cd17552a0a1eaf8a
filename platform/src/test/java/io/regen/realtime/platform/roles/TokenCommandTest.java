package io.regen.realtime.platform.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.DevSecret;
import io.regen.realtime.platform.config.RegenEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
  @TempDir Path dataDir;

  @Test
  void signsWithTheDevSecretOfTheDataDirectory() {
    RegenEnvironment env = new RegenEnvironment(Map.of("REGEN_DATA_DIR", dataDir.toString()));
    String token = TokenCommand.token(CommandLine.parse("token", "alice"), env);

    AuthenticatedUser user =
        new JwtVerifier(JwtSettings.hs256(DevSecret.loadOrCreate(dataDir))).verify(token);
    assertThat(user.userId()).isEqualTo("alice");
    assertThat(user.roles()).isEmpty();
    assertThat(user.expiresAt())
        .isBetween(
            Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));
  }

  @Test
  void honoursRolesTtlSecretIssuerAndAudience() {
    String secret = "x".repeat(48);
    RegenEnvironment env =
        new RegenEnvironment(
            Map.of(
                "JWT_SECRET",
                secret,
                "JWT_ISSUER",
                "acme",
                "JWT_AUDIENCE",
                "acme-rt",
                "REGEN_DATA_DIR",
                dataDir.toString()));
    String token =
        TokenCommand.token(
            CommandLine.parse("token", "bob", "--roles", "analyst,ops", "--ttl", "10m"), env);

    AuthenticatedUser user =
        new JwtVerifier(new JwtSettings(secret, null, "acme", "acme-rt", null)).verify(token);
    assertThat(user.userId()).isEqualTo("bob");
    assertThat(user.isAnalyst()).isTrue();
    assertThat(user.roles()).contains("analyst", "ops");
    assertThat(user.expiresAt()).isBefore(Instant.now().plus(Duration.ofMinutes(11)));
    assertThatThrownBy(() -> new JwtVerifier(JwtSettings.hs256(secret)).verify(token))
        .as("default issuer/audience do not accept it")
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void aTokenFromAnotherDataDirectoryDoesNotVerify() {
    String token =
        TokenCommand.token(
            CommandLine.parse("token", "alice"),
            new RegenEnvironment(Map.of("REGEN_DATA_DIR", dataDir.resolve("a").toString())));
    String otherSecret = DevSecret.loadOrCreate(dataDir.resolve("b"));
    assertThatThrownBy(() -> new JwtVerifier(JwtSettings.hs256(otherSecret)).verify(token))
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void usageErrors() {
    RegenEnvironment env = new RegenEnvironment(Map.of("REGEN_DATA_DIR", dataDir.toString()));
    assertThatThrownBy(() -> TokenCommand.token(CommandLine.parse("token"), env))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("needs a user id");
    assertThatThrownBy(
            () -> TokenCommand.token(CommandLine.parse("token", "a", "--ttl", "forever"), env))
        .isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> TokenCommand.token(CommandLine.parse("token", "a", "b"), env))
        .isInstanceOf(UsageException.class);
  }

  @Test
  void aShortJwtSecretIsRefused() {
    RegenEnvironment env =
        new RegenEnvironment(Map.of("JWT_SECRET", "short", "REGEN_DATA_DIR", dataDir.toString()));
    assertThatThrownBy(() -> TokenCommand.token(CommandLine.parse("token", "a"), env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
  }
}
