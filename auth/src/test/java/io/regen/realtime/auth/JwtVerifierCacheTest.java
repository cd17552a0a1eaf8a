package io.regen.realtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's memory of tokens that verified: same answers as parsing, expiry on every hit. */
class JwtVerifierCacheTest {
  private static final String SECRET = "an-hs256-test-secret-of-at-least-32-bytes!";
  private final JwtSettings settings = JwtSettings.hs256(SECRET);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
  private final JwtVerifier verifier = new JwtVerifier(settings, clock);
  private final JwtIssuer issuer = new JwtIssuer(settings, clock);

  @Test
  void theSameTokenIsAnsweredFromMemoryUntilItExpiresBeyondTheSkew() {
    String token = issuer.issue("alice", List.of("analyst"), Duration.ofSeconds(60));

    AuthenticatedUser first = verifier.verify(token);
    AuthenticatedUser again = verifier.verify(" " + token + " ");

    assertThat(again).isSameAs(first);
    assertThat(verifier.rememberedTokens()).isEqualTo(1);

    // Within the skew after exp: still valid, as the parser decides.
    clock.advance(Duration.ofSeconds(60).plus(settings.clockSkew()));
    assertThat(verifier.verify(token)).isSameAs(first);

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("expired");
    assertThat(verifier.rememberedTokens()).isZero();
  }

  @Test
  void refusedTokensAreNotRememberedAndATamperedCopyOfAKnownOneIsRefused() {
    String token = issuer.issue("alice");
    verifier.verify(token);
    // A character inside the payload (not a segment's last, whose low bits may be padding).
    int at = token.indexOf('.') + 5;
    char c = token.charAt(at);
    String tampered = token.substring(0, at) + (c == 'x' ? 'y' : 'x') + token.substring(at + 1);

    assertThatThrownBy(() -> verifier.verify(tampered)).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> verifier.verify("not.a.token"))
        .isInstanceOf(InvalidTokenException.class);
    assertThat(verifier.rememberedTokens()).isEqualTo(1);
  }

  @Test
  void aTokenOfAnotherKeyIsRefusedEvenWhenOneOfOursWithTheSameClaimsIsKnown() {
    JwtSettings other = JwtSettings.hs256("another-hs256-secret-of-at-least-32-bytes");
    String ours = issuer.issue("alice");
    String theirs = new JwtIssuer(other, clock).issue("alice");
    verifier.verify(ours);

    assertThatThrownBy(() -> verifier.verify(theirs)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void theMemoryIsBounded() {
    int tokens = JwtVerifier.VERIFIED_CACHE_ENTRIES + 10;
    for (int i = 0; i < tokens; i++) {
      String token = issuer.issue("user-" + i);
      assertThat(verifier.verify(token).userId()).isEqualTo("user-" + i);
      assertThat(verifier.rememberedTokens())
          .isLessThanOrEqualTo(JwtVerifier.VERIFIED_CACHE_ENTRIES);
    }
    assertThat(verifier.rememberedTokens()).isPositive();
  }
}
