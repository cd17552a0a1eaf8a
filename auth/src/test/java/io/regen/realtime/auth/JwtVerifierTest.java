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

    assertThat(refusal(noSub).reason()).contains("sub");
    assertThat(refusal(noExp).reason()).contains("exp");
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

  @Test
  void clientMessagesNeverEchoTheLibrarysTextNorTheExpectedIssuerOrAudience() {
    String wrongIssuer =
        base().issuer("someone-else").signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();
    // jjwt's own message for these names the expected values ("regen-realtime", "regen").
    String audienceAlone =
        Jwts.builder()
            .subject("alice")
            .issuer("regen")
            .audience()
            .add("other-app")
            .and()
            .expiration(Date.from(Instant.now().plusSeconds(300)))
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();

    for (String token : List.of(wrongIssuer, audienceAlone, "a.b.c")) {
      InvalidTokenException e = refusal(token);
      assertThat(e.getMessage()).isEqualTo(InvalidTokenException.INVALID);
      assertThat(e.reason()).isNotBlank();
    }
    assertThat(refusal(audienceAlone).reason()).contains("aud");
  }

  @Test
  void refusesATokenLivingLongerThanTheMaximumLifetime() {
    JwtVerifier strict =
        new JwtVerifier(
            new JwtSettings(SECRET, null, null, null, null, java.time.Duration.ofHours(1)));
    String twoHours =
        new JwtIssuer(settings).issue("alice", List.of(), java.time.Duration.ofHours(2));
    String thirtyMinutes =
        new JwtIssuer(settings).issue("alice", List.of(), java.time.Duration.ofMinutes(30));
    String noIatTwoHours =
        base()
            .expiration(Date.from(Instant.now().plus(java.time.Duration.ofHours(2))))
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();

    assertThat(strict.verify(thirtyMinutes).userId()).isEqualTo("alice");
    assertThat(refusal(strict, twoHours).reason()).contains("lifetime");
    assertThat(refusal(strict, twoHours).getMessage()).isEqualTo("invalid token");
    assertThat(refusal(strict, noIatTwoHours).reason()).contains("lifetime");
    // the default maximum is a day
    String twoDays =
        new JwtIssuer(settings).issue("alice", List.of(), java.time.Duration.ofDays(2));
    assertThat(refusal(twoDays).reason()).contains("lifetime");
  }

  @Test
  void refusesATokenIssuedInTheFutureBeyondTheSkew() {
    Clock inTenMinutes = Clock.fixed(Instant.now().plusSeconds(600), ZoneOffset.UTC);
    String token =
        new JwtIssuer(settings, inTenMinutes)
            .issue("alice", List.of(), java.time.Duration.ofHours(1));

    assertThat(refusal(token).reason()).contains("future");
  }

  @Test
  void refusesCompressedPayloads() {
    String zipped =
        base().compressWith(Jwts.ZIP.DEF).signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();

    assertThat(refusal(zipped).getMessage()).isEqualTo("invalid token");
  }

  @Test
  void ignoresKeyHintsInTheHeaderAndVerifiesWithTheConfiguredKeyOnly() {
    javax.crypto.SecretKey attacker = hsKey("an-attacker-secret-of-at-least-32-bytes!!");
    String withHints =
        base()
            .header()
            .keyId("attacker-key")
            .jwkSetUrl(java.net.URI.create("https://attacker.example/jwks.json"))
            .and()
            .signWith(attacker, Jwts.SIG.HS256)
            .compact();
    String ours =
        base().header().keyId("whatever").and().signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();

    assertThat(refusal(withHints).getMessage()).isEqualTo("invalid token");
    assertThat(verifier.verify(ours).userId()).isEqualTo("alice");
  }

  @Test
  void acceptsAnAudienceArrayOnlyWhenItContainsOurs() {
    String withOurs =
        base().audience().add("other-app").and().signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();
    String without =
        Jwts.builder()
            .subject("alice")
            .issuer("regen")
            .audience()
            .add(List.of("a", "b"))
            .and()
            .expiration(Date.from(Instant.now().plusSeconds(300)))
            .signWith(hsKey(SECRET), Jwts.SIG.HS256)
            .compact();

    assertThat(verifier.verify(withOurs).userId()).isEqualTo("alice");
    assertThat(refusal(without).getMessage()).isEqualTo("invalid token");
  }

  @Test
  void refusesSubjectsWithControlCharactersOrTooLong() {
    String newline =
        base().subject("alice\nadmin").signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();
    String huge =
        base().subject("a".repeat(10_000)).signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();
    String pipe = base().subject("alice|bob").signWith(hsKey(SECRET), Jwts.SIG.HS256).compact();

    assertThat(refusal(newline).reason()).contains("control");
    assertThat(refusal(huge).reason()).contains("longer");
    // '|' is escaped in every store key, so it is an ordinary character of a user id
    assertThat(verifier.verify(pipe).userId()).isEqualTo("alice|bob");
  }

  @Test
  void refusesTokensLongerThan16KiBBeforeParsing() {
    String padded = "x".repeat(JwtVerifier.MAX_TOKEN_CHARS + 1);

    assertThat(refusal(padded).reason()).contains("longer than 16384");
  }

  @Test
  void readsSkewAndLifetimeFromPropertiesOrEnvironment() {
    java.util.Map<String, String> props =
        java.util.Map.of(
            "JWT_SECRET", SECRET,
            "regen.jwt.clock-skew", "5s",
            "JWT_MAX_LIFETIME", "2h",
            "regen.jwt.audience", "aud-1");

    JwtSettings read = JwtSettings.fromProperties(props::get);

    assertThat(read.secret()).isEqualTo(SECRET);
    assertThat(read.clockSkew()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(read.maxLifetime()).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(read.audience()).isEqualTo("aud-1");
    assertThat(
            JwtSettings.fromProperties(java.util.Map.of("JWT_SECRET", SECRET)::get).maxLifetime())
        .isEqualTo(JwtSettings.DEFAULT_MAX_LIFETIME);
    assertThatThrownBy(
            () ->
                JwtSettings.fromProperties(
                    java.util.Map.of("JWT_SECRET", SECRET, "JWT_CLOCK_SKEW", "soon")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'soon' is not a duration");
  }

  private InvalidTokenException refusal(String token) {
    return refusal(verifier, token);
  }

  private static InvalidTokenException refusal(JwtVerifier verifier, String token) {
    try {
      verifier.verify(token);
    } catch (InvalidTokenException e) {
      return e;
    }
    throw new AssertionError("token was accepted");
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
