package io.regen.realtime.auth;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import javax.crypto.SecretKey;

/** Issues HS256 tokens for local use ({@code regen token}, tests, benchmarks). */
public final class JwtIssuer {
  private final SecretKey key;
  private final JwtSettings settings;
  private final Clock clock;

  public JwtIssuer(JwtSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public JwtIssuer(JwtSettings settings, Clock clock) {
    if (settings.secret() == null) {
      throw new IllegalArgumentException("Issuing tokens needs JWT_SECRET (HS256)");
    }
    this.settings = settings;
    this.clock = clock;
    this.key = Keys.hmacShaKeyFor(settings.secret().getBytes(StandardCharsets.UTF_8));
  }

  public String issue(String userId, Collection<String> roles, Duration ttl) {
    Instant now = clock.instant();
    var builder =
        Jwts.builder()
            .subject(userId)
            .issuer(settings.issuer())
            .audience()
            .add(settings.audience())
            .and()
            .id(UUID.randomUUID().toString())
            .issuedAt(Date.from(now))
            .expiration(Date.from(now.plus(ttl)));
    if (!roles.isEmpty()) {
      builder.claim("roles", List.copyOf(roles));
    }
    // Pin HS256: jjwt would otherwise choose HS384/HS512 from the key length.
    return builder.signWith(key, Jwts.SIG.HS256).compact();
  }

  public String issue(String userId) {
    return issue(userId, List.of(), Duration.ofHours(1));
  }
}
