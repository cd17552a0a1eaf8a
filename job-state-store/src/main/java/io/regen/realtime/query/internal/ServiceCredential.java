package io.regen.realtime.query.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential query instances present to each other on the internal listener, in the header
 * {@value #HEADER}. It is not a JWT and travels in its own header, so no end-user token can ever
 * satisfy it. Compared in constant time. Thread-safe.
 */
public final class ServiceCredential {
  /** The request header carrying the credential. */
  public static final String HEADER = "X-Regen-Service-Credential";

  private static final String DERIVATION_LABEL = "regen internal query v1";

  private final String value;

  public ServiceCredential(String value) {
    if (Objects.requireNonNull(value, "value").length() < 32) {
      throw new IllegalArgumentException(
          "the internal query credential (regen.streams.internal-secret) needs at least 32"
              + " characters");
    }
    this.value = value;
  }

  /**
   * Derived from the HS256 JWT secret every instance already shares (HMAC-SHA256 over a fixed
   * label): instances agree without a second secret, and a token holder cannot compute it.
   */
  public static ServiceCredential derivedFrom(String jwtSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(jwtSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] derived = mac.doFinal(DERIVATION_LABEL.getBytes(StandardCharsets.UTF_8));
      return new ServiceCredential(Base64.getUrlEncoder().withoutPadding().encodeToString(derived));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** A random credential: enough for one process, other instances cannot call this one. */
  public static ServiceCredential random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new ServiceCredential(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** The header value to send. */
  public String value() {
    return value;
  }

  /** Whether {@code presented} is this credential. */
  public boolean matches(String presented) {
    return presented != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }
}
