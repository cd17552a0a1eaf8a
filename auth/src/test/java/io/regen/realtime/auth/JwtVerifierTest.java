package io.regen.realtime.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
  private static final String SECRET = "an-hs256-test-secret-of-at-least-32-bytes!";
  private final JwtSettings settings = JwtSettings.hs256(SECRET);
  private final JwtVerifier verifier = new JwtVerifier(settings);

  @Test
  void acceptsATokenFromTheIssuerWithRoles() {
    String token =
        new JwtIssuer(settings).issue("alice", List.of("analyst"), Duration.ofMinutes(5));

    AuthenticatedUser user = verifier.verify(token);

    assertThat(user.userId()).isEqualTo("alice");
    assertThat(user.isAnalyst()).isTrue();
    assertThat(user.mayRead("bob")).isTrue();
    assertThat(user.expiresAt()).isAfter(Instant.now());
  }

  @Test
  void aUserWithoutRolesReadsOnlyOwnData() {
    AuthenticatedUser user = verifier.verify(new JwtIssuer(settings).issue("bob"));

    assertThat(user.roles()).isEmpty();
    assertThat(user.mayRead("bob")).isTrue();
    assertThat(user.mayRead("alice")).isFalse();
  }

  @Test
  void refusesAnExpiredTokenBeyondTheClockSkew() {
    Clock twoMinutesAgo = Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC);
    String token =
        new JwtIssuer(settings, twoMinutesAgo).issue("alice", List.of(), Duration.ofSeconds(60));

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void acceptsATokenExpiredWithinTheClockSkew() {
    Clock aMinuteAgo = Clock.fixed(Instant.now().minusSeconds(70), ZoneOffset.UTC);
    String token =
        new JwtIssuer(settings, aMinuteAgo).issue("alice", List.of(), Duration.ofSeconds(60));

    assertThat(verifier.verify(token).userId()).isEqualTo("alice");
  }

  @Test
  void refusesATokenNotYetValid() {
    String token =
        base()
            .notBefore(Date.from(Instant.now().plusSeconds(300)))
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();

    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void refusesWrongIssuerAudienceAndKey() {
    String wrongIssuer =
        base().issuer("someone-else").signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();
    String wrongAudience =
        Jwts.builder()
            .subject("alice")
            .issuer("regen")
            .audience()
            .add("other-app")
            .and()
            .expiration(Date.from(Instant.now().plusSeconds(300)))
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();
    String wrongKey =
        base().signWith(hsKey("another-secret-that-is-32-bytes-long!!"), Jwts.SIG.HS256).compact();

    for (String token : List.of(wrongIssuer, wrongAudience, wrongKey)) {
      assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class);
    }
  }

  @Test
  void refusesAlgNoneAndOtherAlgorithms() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String claims =
        b64(
            "{\"sub\":\"alice\",\"iss\":\"regen\",\"aud\":\"regen-realtime\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300)
                + "}");
    String none = header + "." + claims + ".";
    String hs512 = base().signWith(hsKey(SECRET + SECRET), Jwts.SIG.HS512).compact();

    assertThatThrownBy(() -> verifier.verify(none)).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> verifier.verify(hs512)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void refusesMissingSubjectExpiryAndGarbage() {
    String noSub =
        Jwts.builder()
            .issuer("regen")
            .audience()
            .add("regen-realtime")
            .and()
            .expiration(Date.from(Instant.now().plusSeconds(60)))
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();
    String noExp =
        Jwts.builder()
            .subject("alice")
            .issuer("regen")
            .audience()
            .add("regen-realtime")
            .and()
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();

    assertThatThrownBy(() -> verifier.verify(noSub)).hasMessageContaining("sub");
    assertThatThrownBy(() -> verifier.verify(noExp)).hasMessageContaining("exp");
    assertThatThrownBy(() -> verifier.verify("not.a.jwt"))
        .isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> verifier.verify(" ")).hasMessageContaining("missing");
  }

  @Test
  void aShortSecretFailsWithAClearMessage() {
    assertThatThrownBy(() -> JwtSettings.hs256("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT_SECRET must be set to at least 32 bytes");
  }

  @Test
  void verifiesRs256AndEs256WithAPublicKeyFile(@TempDir Path dir) throws Exception {
    for (KeyPair pair :
        List.of(Jwts.SIG.RS256.keyPair().build(), Jwts.SIG.ES256.keyPair().build())) {
      Path pem = dir.resolve(pair.getPublic().getAlgorithm() + ".pem");
      Files.writeString(
          pem,
          "-----BEGIN PUBLIC KEY-----\n"
              + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
              + "\n-----END PUBLIC KEY-----\n");
      JwtVerifier keyVerifier = new JwtVerifier(new JwtSettings(null, pem, null, null, null));
      PrivateKey privateKey = pair.getPrivate();

      String token = base().signWith(privateKey).compact();
      String hsToken = base().signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();

      assertThat(keyVerifier.verify(token).userId()).isEqualTo("alice");
      assertThatThrownBy(() -> keyVerifier.verify(hsToken))
          .isInstanceOf(InvalidTokenException.class);
    }
  }

  private static io.jsonwebtoken.JwtBuilder base() {
    return Jwts.builder()
        .subject("alice")
        .issuer("regen")
        .audience()
        .add("regen-realtime")
        .and()
        .expiration(Date.from(Instant.now().plusSeconds(300)));
  }

  private static javax.crypto.SecretKey hsKey(String secret) {
    return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
