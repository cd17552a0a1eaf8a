package io.regen.realtime.gateway.auth;

import io.regen.realtime.auth.JwtSettings;
import org.springframework.core.env.Environment;

/**
 * Reads {@link JwtSettings} from the Spring environment the way every role does ({@link
 * JwtSettings#fromProperties}: {@code regen.jwt.*}, then {@code JWT_*} environment variables).
 * Fails with a clear message when no usable key is configured.
 */
public final class JwtSettingsResolver {
  private JwtSettingsResolver() {}

  public static JwtSettings from(Environment env) {
    try {
      return JwtSettings.fromProperties(env::getProperty);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Gateway JWT configuration: " + e.getMessage(), e);
    }
  }
}
