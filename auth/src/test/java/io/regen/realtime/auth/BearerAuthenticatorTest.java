package io.regen.realtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BearerAuthenticatorTest {
  private static final JwtSettings SETTINGS =
      JwtSettings.hs256("0123456789abcdef0123456789abcdef-bearer");
  private final BearerAuthenticator auth = new BearerAuthenticator(new JwtVerifier(SETTINGS));
  private final JwtIssuer issuer = new JwtIssuer(SETTINGS);

  @Test
  void aBearerHeaderOfAValidTokenIsItsUser() {
    String token = issuer.issue("alice", List.of("analyst"), Duration.ofMinutes(5));
    AuthenticatedUser user = auth.authenticate("Bearer " + token);
    assertThat(user.userId()).isEqualTo("alice");
    assertThat(user.isAnalyst()).isTrue();
    assertThat(auth.authenticate("  bearer   " + token + " ").userId()).isEqualTo("alice");
    assertThat(auth.verify(token).userId()).isEqualTo("alice");
  }

  @Test
  void noHeaderIs401WithAPlainChallenge() {
    for (String header : new String[] {null, "", "  "}) {
      assertThatThrownBy(() -> auth.authenticate(header))
          .isInstanceOfSatisfying(
              AccessDeniedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.body().error()).isEqualTo("unauthorized");
                assertThat(e.wwwAuthenticate()).isEqualTo("Bearer");
              });
    }
  }

  @Test
  void aHeaderThatIsNotBearerOrARefusedTokenIs401WithoutTheToken() {
    String otherKey =
        new JwtIssuer(JwtSettings.hs256("another-secret-of-enough-length-0123456789"))
            .issue("alice");
    for (String header :
        new String[] {"Basic dXNlcjpwdw==", "Bearer", "Bearer not-a-jwt", "Bearer " + otherKey}) {
      assertThatThrownBy(() -> auth.authenticate(header))
          .isInstanceOfSatisfying(
              AccessDeniedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("unauthorized");
                assertThat(e.getMessage()).doesNotContain("not-a-jwt").doesNotContain(otherKey);
                assertThat(e.wwwAuthenticate()).contains("invalid_token");
              });
    }
  }

  @Test
  void ownersAndAnalystsMayReadOthersMayNot() {
    AuthenticatedUser alice = user("alice");
    AuthenticatedUser analyst = user("ana", "analyst");
    assertThat(AccessRules.requireReaderOf(alice, "alice")).isSameAs(alice);
    assertThat(AccessRules.requireReaderOf(analyst, "alice")).isSameAs(analyst);
    assertThat(AccessRules.requireAnalyst(analyst)).isSameAs(analyst);
    assertThatThrownBy(() -> AccessRules.requireReaderOf(user("bob"), "alice"))
        .isInstanceOfSatisfying(
            AccessDeniedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.body()).isEqualTo(new ErrorBody("forbidden", e.getMessage()));
            });
    assertThatThrownBy(() -> AccessRules.requireAnalyst(alice))
        .isInstanceOf(AccessDeniedException.class)
        .extracting(e -> ((AccessDeniedException) e).kind())
        .isEqualTo(AccessDeniedException.Kind.FORBIDDEN);
  }

  private static AuthenticatedUser user(String id, String... roles) {
    return new AuthenticatedUser(id, Set.of(roles), Instant.now().plusSeconds(60));
  }
}
