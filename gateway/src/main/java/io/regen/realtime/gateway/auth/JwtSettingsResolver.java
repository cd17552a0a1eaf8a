package io.regen.realtime.gateway.auth;

import io.regen.realtime.auth.JwtSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.core.env.Environment;

/**
 * Reads {@link JwtSettings} from the common properties {@code regen.jwt.*}, falling back to the
 * documented environment variables {@code JWT_SECRET}, {@code JWT_PUBLIC_KEY}, {@code JWT_ISSUER},
 * {@code JWT_AUDIENCE}. Fails with a clear message when no usable key is configured.
 */
public final class JwtSettingsResolver {
  private JwtSettingsResolver() {}

  public static JwtSettings from(Environment env) {
    String secret = property(env, "regen.jwt.secret", "JWT_SECRET");
    String publicKey = property(env, "regen.jwt.public-key", "JWT_PUBLIC_KEY");
    String issuer = property(env, "regen.jwt.issuer", "JWT_ISSUER");
    String audience = property(env, "regen.jwt.audience", "JWT_AUDIENCE");
    Duration skew = env.getProperty("regen.jwt.clock-skew", Duration.class);
    try {
      return new JwtSettings(
          secret, publicKey == null ? null : Path.of(publicKey), issuer, audience, skew);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Gateway JWT configuration: " + e.getMessage(), e);
    }
  }

  private static String property(Environment env, String name, String envVar) {
    String value = env.getProperty(name);
    if (value == null || value.isBlank()) {
      value = env.getProperty(envVar);
    }
    return value == null || value.isBlank() ? null : value;
  }
}
