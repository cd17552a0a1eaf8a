package io.regen.realtime.query.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The query app reads the same JWT settings as the gateway: skew and maximum lifetime included. */
class QueryJwtVerifierTest {
  private static final String SECRET = "query-jwt-test-secret-of-at-least-32-bytes";

  /** A token that expired 10 s ago, issued 70 s ago. */
  private static String expiredTenSecondsAgo() {
    Clock seventySecondsAgo = Clock.fixed(Instant.now().minusSeconds(70), ZoneOffset.UTC);
    return new JwtIssuer(JwtSettings.hs256(SECRET), seventySecondsAgo)
        .issue("alice", List.of(), Duration.ofSeconds(60));
  }

  @Test
  void honoursTheConfiguredClockSkew() {
    JwtVerifier lenient =
        new QueryAutoConfiguration()
            .jwtVerifier(new MockEnvironment().withProperty("regen.jwt.secret", SECRET));
    JwtVerifier strict =
        new QueryAutoConfiguration()
            .jwtVerifier(
                new MockEnvironment()
                    .withProperty("regen.jwt.secret", SECRET)
                    .withProperty("regen.jwt.clock-skew", "1s"));
    String token = expiredTenSecondsAgo();

    assertThat(lenient.verify(token).userId()).isEqualTo("alice");
    assertThatThrownBy(() -> strict.verify(token))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessage(InvalidTokenException.EXPIRED);
  }

  @Test
  void honoursTheConfiguredMaximumLifetime() {
    JwtVerifier verifier =
        new QueryAutoConfiguration()
            .jwtVerifier(
                new MockEnvironment()
                    .withProperty("JWT_SECRET", SECRET)
                    .withProperty("JWT_MAX_LIFETIME", "10m"));
    String hour =
        new JwtIssuer(JwtSettings.hs256(SECRET)).issue("alice", List.of(), Duration.ofHours(1));

    assertThatThrownBy(() -> verifier.verify(hour)).hasMessage(InvalidTokenException.INVALID);
  }
}
