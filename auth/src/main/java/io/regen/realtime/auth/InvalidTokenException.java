package io.regen.realtime.auth;

/**
 * A token that was refused. {@link #getMessage()} is safe to send to the client ({@code missing
 * token}, {@code token expired} or {@code invalid token}): it never echoes the JWT library's text,
 * which names the expected issuer and audience. {@link #reason()} says exactly why, for logs (never
 * the token itself).
 */
public class InvalidTokenException extends RuntimeException {
  /** What a client is told about any token that is neither missing nor expired. */
  public static final String INVALID = "invalid token";

  public static final String EXPIRED = "token expired";
  public static final String MISSING = "missing token";

  private final String reason;

  private InvalidTokenException(String publicMessage, String reason, Throwable cause) {
    super(publicMessage, cause);
    this.reason = reason;
  }

  /** A refused token for {@code reason}; the client is told only {@value #INVALID}. */
  public InvalidTokenException(String reason) {
    this(INVALID, reason, null);
  }

  public InvalidTokenException(String reason, Throwable cause) {
    this(INVALID, reason, cause);
  }

  /** A refused token; the client is told only {@value #INVALID}. */
  public static InvalidTokenException invalid(String reason, Throwable cause) {
    return new InvalidTokenException(INVALID, reason, cause);
  }

  public static InvalidTokenException invalid(String reason) {
    return invalid(reason, null);
  }

  public static InvalidTokenException expired(Throwable cause) {
    return new InvalidTokenException(EXPIRED, EXPIRED, cause);
  }

  public static InvalidTokenException missing() {
    return new InvalidTokenException(MISSING, MISSING, null);
  }

  /** Why the token was refused, in detail, for a log line. */
  public String reason() {
    return reason;
  }
}
