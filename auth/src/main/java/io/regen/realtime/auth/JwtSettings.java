package io.regen.realtime.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * How tokens are verified: an HS256 secret ({@code JWT_SECRET}, at least 32 bytes) or a PEM public
 * key file ({@code JWT_PUBLIC_KEY}, RS256 or ES256), the required issuer and audience, the clock
 * skew allowed on {@code exp}, {@code nbf} and {@code iat}, and the longest lifetime ({@code exp} −
 * {@code iat}) a token may have.
 */
public record JwtSettings(
    String secret,
    Path publicKeyFile,
    String issuer,
    String audience,
    Duration clockSkew,
    Duration maxLifetime) {
  public static final String DEFAULT_ISSUER = "regen";
  public static final String DEFAULT_AUDIENCE = "regen-realtime";
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  /** A stolen token is useful for at most this long unless an operator allows longer. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

  public static final int MIN_SECRET_BYTES = 32;

  public JwtSettings {
    issuer = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
    audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience;
    clockSkew = clockSkew == null || clockSkew.isNegative() ? DEFAULT_CLOCK_SKEW : clockSkew;
    maxLifetime =
        maxLifetime == null || maxLifetime.isZero() || maxLifetime.isNegative()
            ? DEFAULT_MAX_LIFETIME
            : maxLifetime;
    if (publicKeyFile == null) {
      if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "JWT_SECRET must be set to at least "
                + MIN_SECRET_BYTES
                + " bytes (or JWT_PUBLIC_KEY to a PEM public key file); got "
                + (secret == null
                    ? "nothing"
                    : secret.getBytes(StandardCharsets.UTF_8).length + " bytes"));
      }
    }
  }

  /** Settings with the default maximum lifetime. */
  public JwtSettings(
      String secret, Path publicKeyFile, String issuer, String audience, Duration clockSkew) {
    this(secret, publicKeyFile, issuer, audience, clockSkew, null);
  }

  public static JwtSettings hs256(String secret) {
    return new JwtSettings(secret, null, null, null, null, null);
  }

  /**
   * The settings every role reads the same way, so the gateway and the query API agree on skew and
   * lifetime: {@code regen.jwt.secret} / {@code JWT_SECRET}, {@code regen.jwt.public-key} / {@code
   * JWT_PUBLIC_KEY}, {@code regen.jwt.issuer} / {@code JWT_ISSUER}, {@code regen.jwt.audience} /
   * {@code JWT_AUDIENCE}, {@code regen.jwt.clock-skew} / {@code JWT_CLOCK_SKEW}, {@code
   * regen.jwt.max-lifetime} / {@code JWT_MAX_LIFETIME} (durations as {@code 30s}, {@code 15m},
   * {@code 24h}, {@code 500ms} or ISO-8601).
   *
   * @param property the value of a property or environment variable, or null when unset
   * @throws IllegalArgumentException no usable key, or a duration that does not parse
   */
  public static JwtSettings fromProperties(UnaryOperator<String> property) {
    String publicKey = first(property, "regen.jwt.public-key", "JWT_PUBLIC_KEY");
    return new JwtSettings(
        first(property, "regen.jwt.secret", "JWT_SECRET"),
        publicKey == null ? null : Path.of(publicKey),
        first(property, "regen.jwt.issuer", "JWT_ISSUER"),
        first(property, "regen.jwt.audience", "JWT_AUDIENCE"),
        duration(first(property, "regen.jwt.clock-skew", "JWT_CLOCK_SKEW"), "clock skew"),
        duration(first(property, "regen.jwt.max-lifetime", "JWT_MAX_LIFETIME"), "max lifetime"));
  }

  private static String first(UnaryOperator<String> property, String name, String envVar) {
    String value = property.apply(name);
    if (value == null || value.isBlank()) {
      value = property.apply(envVar);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  static Duration duration(String value, String what) {
    if (value == null) {
      return null;
    }
    try {
      if (value.startsWith("P") || value.startsWith("p")) {
        return Duration.parse(value);
      }
      String v = value.toLowerCase(java.util.Locale.ROOT);
      if (v.chars().allMatch(Character::isDigit)) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long amount = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new IllegalArgumentException("unknown unit");
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "JWT " + what + " '" + value + "' is not a duration such as 30s, 15m, 24h or PT30S", e);
    }
  }
}
