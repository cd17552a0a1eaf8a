package io.regen.realtime.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How tokens are verified: an HS256 secret ({@code JWT_SECRET}, at least 32 bytes) or a PEM public
 * key file ({@code JWT_PUBLIC_KEY}, RS256 or ES256), the required issuer and audience, and the
 * clock skew allowed on {@code exp} and {@code nbf}.
 */
public record JwtSettings(
    String secret, Path publicKeyFile, String issuer, String audience, Duration clockSkew) {
  public static final String DEFAULT_ISSUER = "regen";
  public static final String DEFAULT_AUDIENCE = "regen-realtime";
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  public static final int MIN_SECRET_BYTES = 32;

  public JwtSettings {
    issuer = issuer == null || issuer.isBlank() ? DEFAULT_ISSUER : issuer;
    audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience;
    clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
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

  public static JwtSettings hs256(String secret) {
    return new JwtSettings(secret, null, null, null, null);
  }
}
