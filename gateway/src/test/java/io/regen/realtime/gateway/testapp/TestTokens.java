package io.regen.realtime.gateway.testapp;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import javax.crypto.SecretKey;

/** Tokens for tests: good ones and every kind of bad one. */
public final class TestTokens {
  /** 64 bytes, so an HS512 token can be signed with the same secret (wrong algorithm case). */
  public static final String SECRET =
      "test-secret-test-secret-test-secret-test-secret-test-secret-1234";

  public static final String ISSUER = "regen";
  public static final String AUDIENCE = "regen-realtime";

  private static final SecretKey KEY = Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8));

  private TestTokens() {}

  public static String valid(String userId) {
    return builder(userId, Duration.ofHours(1)).signWith(KEY, Jwts.SIG.HS256).compact();
  }

  public static String validFor(String userId, Duration ttl) {
    return builder(userId, ttl).signWith(KEY, Jwts.SIG.HS256).compact();
  }

  public static String withRoles(String userId, List<String> roles) {
    return builder(userId, Duration.ofHours(1))
        .claim("roles", roles)
        .signWith(KEY, Jwts.SIG.HS256)
        .compact();
  }

  public static String expired(String userId) {
    Instant now = Instant.now();
    return Jwts.builder()
        .subject(userId)
        .issuer(ISSUER)
        .audience()
        .add(AUDIENCE)
        .and()
        .issuedAt(Date.from(now.minus(Duration.ofHours(2))))
        .expiration(Date.from(now.minus(Duration.ofMinutes(5))))
        .signWith(KEY, Jwts.SIG.HS256)
        .compact();
  }

  public static String notYetValid(String userId) {
    return builder(userId, Duration.ofHours(1))
        .notBefore(Date.from(Instant.now().plus(Duration.ofMinutes(10))))
        .signWith(KEY, Jwts.SIG.HS256)
        .compact();
  }

  public static String wrongIssuer(String userId) {
    return builder(userId, Duration.ofHours(1))
        .issuer("someone-else")
        .signWith(KEY, Jwts.SIG.HS256)
        .compact();
  }

  public static String wrongAudience(String userId) {
    return Jwts.builder()
        .subject(userId)
        .issuer(ISSUER)
        .audience()
        .add("another-service")
        .and()
        .expiration(Date.from(Instant.now().plus(Duration.ofHours(1))))
        .signWith(KEY, Jwts.SIG.HS256)
        .compact();
  }

  public static String wrongKey(String userId) {
    SecretKey other =
        Keys.hmacShaKeyFor(
            "another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8));
    return builder(userId, Duration.ofHours(1)).signWith(other, Jwts.SIG.HS256).compact();
  }

  /** Signed with the right secret but HS512. */
  public static String wrongAlgorithm(String userId) {
    return builder(userId, Duration.ofHours(1)).signWith(KEY, Jwts.SIG.HS512).compact();
  }

  /** Signed with an RSA key (RS256) the server does not know. */
  public static String rsa(String userId) {
    KeyPair pair = Jwts.SIG.RS256.keyPair().build();
    return builder(userId, Duration.ofHours(1))
        .signWith(pair.getPrivate(), Jwts.SIG.RS256)
        .compact();
  }

  /** {@code alg: none}, unsigned. */
  public static String none(String userId) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    String payload =
        b64.encodeToString(
            ("{\"sub\":\""
                    + userId
                    + "\",\"iss\":\"regen\",\"aud\":\"regen-realtime\",\"exp\":"
                    + exp
                    + "}")
                .getBytes());
    return header + "." + payload + ".";
  }

  private static io.jsonwebtoken.JwtBuilder builder(String userId, Duration ttl) {
    Instant now = Instant.now();
    return Jwts.builder()
        .subject(userId)
        .issuer(ISSUER)
        .audience()
        .add(AUDIENCE)
        .and()
        .id(UUID.randomUUID().toString())
        .issuedAt(Date.from(now))
        .expiration(Date.from(now.plus(ttl)));
  }
}
