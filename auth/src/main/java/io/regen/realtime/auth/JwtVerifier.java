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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/**
 * Verifies JWTs: signature with the one configured algorithm (HS256 for a secret, RS256 or ES256
 * for a public key; {@code alg:none} and any other algorithm are refused), required {@code sub},
 * {@code exp}, {@code iss} and {@code aud}, {@code nbf} when present, all with the configured clock
 * skew; a lifetime ({@code exp} − {@code iat}, or {@code exp} − now without {@code iat}) of at most
 * the configured maximum; no compressed payloads ({@code zip}); a {@code sub} of at most {@value
 * #MAX_SUBJECT_CHARS} characters without control characters; tokens of at most {@value
 * #MAX_TOKEN_CHARS} characters. Thread-safe.
 *
 * <p>A token that verified is remembered until it expires (at most {@value #VERIFIED_CACHE_ENTRIES}
 * tokens), and the same token again is answered without parsing: a client polls the query API,
 * reconnects, and a forwarded lookup is verified on both instances, always with the same token.
 * That is sound because every check but expiry gives the same answer for the same characters
 * (signature, algorithm, issuer, audience, {@code sub}), and the other checks of time ({@code nbf},
 * {@code iat}, the lifetime) only ever pass more easily as time goes on; expiry is checked on every
 * hit, with the same clock skew as the parser's. Only tokens that verified are kept, so a client
 * sending garbage cannot fill it.
 *
 * <p>With a secret, a token of the usual shape is first checked by {@link CompactHs256}, which
 * accepts only what jjwt accepts and leaves every other token, and every refusal, to jjwt.
 */
public final class JwtVerifier {
  /** Longest token accepted; longer ones are refused before any parsing. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  /** Longest {@code sub}: user ids end up in store keys, log lines and metrics. */
  public static final int MAX_SUBJECT_CHARS = 256;

  /** Verified tokens remembered at most; when full, the cache starts again empty. */
  static final int VERIFIED_CACHE_ENTRIES = 10_000;

  private final ConcurrentHashMap<String, AuthenticatedUser> verified = new ConcurrentHashMap<>();
  private final JwtParser parser;
  private final CompactHs256 compact;
  private final String expectedAlgorithm;
  private final Duration maxLifetime;
  private final Duration clockSkew;
  private final Clock clock;

  public JwtVerifier(JwtSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public JwtVerifier(JwtSettings settings, Clock clock) {
    this(settings, clock, true);
  }

  /**
   * A verifier that gives every token to jjwt, without {@link CompactHs256}: the same answers,
   * slower; the comparison point of the tests and of {@code TokenVerificationBenchmark}.
   */
  public static JwtVerifier withoutCompactCheck(JwtSettings settings) {
    return new JwtVerifier(settings, Clock.systemUTC(), false);
  }

  /** With {@code compact} false every token goes through jjwt. */
  JwtVerifier(JwtSettings settings, Clock clock, boolean compact) {
    this.maxLifetime = settings.maxLifetime();
    this.clockSkew = settings.clockSkew();
    this.clock = clock;
    var builder =
        Jwts.parser()
            .clock(() -> Date.from(clock.instant()))
            .requireIssuer(settings.issuer())
            .requireAudience(settings.audience())
            .clockSkewSeconds(settings.clockSkew().toSeconds())
            // A compressed payload is a decompression bomb waiting to be parsed: no zip at all.
            .zip()
            .clear()
            .and();
    if (settings.publicKeyFile() != null) {
      PublicKey key = readPublicKey(settings);
      expectedAlgorithm = key.getAlgorithm().equals("EC") ? "ES256" : "RS256";
      builder.verifyWith(key);
      this.compact = null;
    } else {
      SecretKey key = Keys.hmacShaKeyFor(settings.secret().getBytes(StandardCharsets.UTF_8));
      expectedAlgorithm = "HS256";
      // Replaces jjwt's HS256 (same id): one initialised Mac per thread instead of one per token.
      PerThreadHs256 hs256 = new PerThreadHs256(key);
      builder.verifyWith(key).sig().add(hs256).and();
      this.compact =
          compact
              ? new CompactHs256(
                  hs256, settings.issuer(), settings.audience(), settings.clockSkew())
              : null;
    }
    this.parser = builder.build();
  }

  /**
   * The user a token speaks for.
   *
   * @throws InvalidTokenException whose message is safe for the client and whose {@link
   *     InvalidTokenException#reason() reason} is fit for a log line (never the token itself)
   */
  public AuthenticatedUser verify(String token) {
    if (token == null || token.isBlank()) {
      throw InvalidTokenException.missing();
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw InvalidTokenException.invalid("token longer than " + MAX_TOKEN_CHARS + " characters");
    }
    String trimmed = token.trim();
    AuthenticatedUser known = verified.get(trimmed);
    if (known != null) {
      if (!expired(known)) {
        return known;
      }
      verified.remove(trimmed, known); // the parser below says how it expired
    }
    AuthenticatedUser user = parse(trimmed);
    remember(trimmed, user);
    return user;
  }

  /** Expired as the parser decides it: {@code exp} is before now minus the clock skew. */
  private boolean expired(AuthenticatedUser user) {
    return clock.instant().minus(clockSkew).isAfter(user.expiresAt());
  }

  private void remember(String token, AuthenticatedUser user) {
    if (verified.size() >= VERIFIED_CACHE_ENTRIES) {
      // Simpler than an LRU and rare: more distinct live tokens than this means a busy node that
      // verifies each of them once more.
      verified.clear();
    }
    verified.put(token, user);
  }

  /** Tokens remembered now, for tests. */
  int rememberedTokens() {
    return verified.size();
  }

  private AuthenticatedUser parse(String token) {
    VerifiedClaims claims = compact == null ? null : compact.verify(token, clock.millis());
    if (claims == null) {
      claims = parseWithJjwt(token);
    }
    String subject = checkedSubject(claims.subject());
    if (claims.expiresAt() == null) {
      throw InvalidTokenException.invalid("token has no exp");
    }
    checkLifetime(claims.expiresAt(), claims.issuedAt());
    return new AuthenticatedUser(subject, claims.roles(), claims.expiresAt());
  }

  private VerifiedClaims parseWithJjwt(String token) {
    Jws<Claims> jws;
    try {
      jws = parser.parseSignedClaims(token);
    } catch (ExpiredJwtException e) {
      throw InvalidTokenException.expired(e);
    } catch (JwtException | IllegalArgumentException e) {
      throw InvalidTokenException.invalid(e.getMessage(), e);
    }
    String alg = jws.getHeader().getAlgorithm();
    if (!expectedAlgorithm.equals(alg)) {
      throw InvalidTokenException.invalid(
          "token algorithm " + alg + " is not the configured " + expectedAlgorithm);
    }
    Claims claims = jws.getPayload();
    return new VerifiedClaims(
        claims.getSubject(),
        roles(claims.get("roles")),
        instant(claims.getExpiration()),
        instant(claims.getIssuedAt()));
  }

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }

  /** A {@code sub} fit to be a user id: present, bounded, no control characters. */
  private static String checkedSubject(String subject) {
    if (subject == null || subject.isBlank()) {
      throw InvalidTokenException.invalid("token has no sub");
    }
    if (subject.length() > MAX_SUBJECT_CHARS) {
      throw InvalidTokenException.invalid("sub longer than " + MAX_SUBJECT_CHARS + " characters");
    }
    if (subject.chars().anyMatch(Character::isISOControl)) {
      throw InvalidTokenException.invalid("sub contains control characters");
    }
    return subject;
  }

  private void checkLifetime(Instant expiresAt, Instant issuedAt) {
    Instant now = clock.instant();
    if (issuedAt != null && issuedAt.isAfter(now.plus(clockSkew))) {
      throw InvalidTokenException.invalid("token issued in the future (iat " + issuedAt + ")");
    }
    Instant from = issuedAt == null ? now : issuedAt;
    Duration lifetime = Duration.between(from, expiresAt);
    if (lifetime.compareTo(maxLifetime) > 0) {
      throw InvalidTokenException.invalid(
          "token lifetime " + lifetime + " exceeds the maximum " + maxLifetime);
    }
  }

  private static Set<String> roles(Object claim) {
    Set<String> roles = new LinkedHashSet<>();
    if (claim instanceof Collection<?> list) {
      list.forEach(r -> roles.add(String.valueOf(r)));
    } else if (claim instanceof String s) {
      roles.addAll(rolesOf(s));
    }
    return roles;
  }

  /** Roles given as one string: names separated by commas or white space. */
  static List<String> rolesOf(String names) {
    return names.isBlank() ? List.of() : List.of(names.split("[,\\s]+"));
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
