package io.regen.realtime.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Verifies JWTs: signature with the one configured algorithm (HS256 for a secret, RS256 or ES256
 * for a public key; {@code alg:none} and any other algorithm are refused), required {@code sub},
 * {@code exp}, {@code iss} and {@code aud}, {@code nbf} when present, all with the configured clock
 * skew. Thread-safe.
 */
public final class JwtVerifier {
  private final JwtParser parser;
  private final String expectedAlgorithm;

  public JwtVerifier(JwtSettings settings) {
    var builder =
        Jwts.parser()
            .requireIssuer(settings.issuer())
            .requireAudience(settings.audience())
            .clockSkewSeconds(settings.clockSkew().toSeconds());
    if (settings.publicKeyFile() != null) {
      PublicKey key = readPublicKey(settings);
      expectedAlgorithm = key.getAlgorithm().equals("EC") ? "ES256" : "RS256";
      builder.verifyWith(key);
    } else {
      SecretKey key = Keys.hmacShaKeyFor(settings.secret().getBytes(StandardCharsets.UTF_8));
      expectedAlgorithm = "HS256";
      builder.verifyWith(key);
    }
    this.parser = builder.build();
  }

  /**
   * The user a token speaks for.
   *
   * @throws InvalidTokenException with a reason fit for a log line (never the token itself)
   */
  public AuthenticatedUser verify(String token) {
    if (token == null || token.isBlank()) {
      throw new InvalidTokenException("missing token");
    }
    Jws<Claims> jws;
    try {
      jws = parser.parseSignedClaims(token.trim());
    } catch (ExpiredJwtException e) {
      throw new InvalidTokenException("token expired", e);
    } catch (JwtException | IllegalArgumentException e) {
      throw new InvalidTokenException("invalid token: " + e.getMessage(), e);
    }
    String alg = jws.getHeader().getAlgorithm();
    if (!expectedAlgorithm.equals(alg)) {
      throw new InvalidTokenException(
          "token algorithm " + alg + " is not the configured " + expectedAlgorithm);
    }
    Claims claims = jws.getPayload();
    if (claims.getSubject() == null || claims.getSubject().isBlank()) {
      throw new InvalidTokenException("token has no sub");
    }
    if (claims.getExpiration() == null) {
      throw new InvalidTokenException("token has no exp");
    }
    return new AuthenticatedUser(
        claims.getSubject(), roles(claims.get("roles")), claims.getExpiration().toInstant());
  }

  private static Set<String> roles(Object claim) {
    Set<String> roles = new LinkedHashSet<>();
    if (claim instanceof Collection<?> list) {
      list.forEach(r -> roles.add(String.valueOf(r)));
    } else if (claim instanceof String s && !s.isBlank()) {
      for (String r : s.split("[,\\s]+")) {
        roles.add(r);
      }
    }
    return roles;
  }

  private static PublicKey readPublicKey(JwtSettings settings) {
    try {
      String pem = Files.readString(settings.publicKeyFile());
      String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(base64);
      var spec = new X509EncodedKeySpec(der);
      try {
        return KeyFactory.getInstance("RSA").generatePublic(spec);
      } catch (java.security.spec.InvalidKeySpecException notRsa) {
        return KeyFactory.getInstance("EC").generatePublic(spec);
      }
    } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot read JWT_PUBLIC_KEY " + settings.publicKeyFile() + ": " + e.getMessage(), e);
    }
  }
}
