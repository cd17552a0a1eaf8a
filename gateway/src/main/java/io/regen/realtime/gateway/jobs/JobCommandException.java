package io.regen.realtime.gateway.jobs;

/**
 * A job command that was refused; {@link #code()} is one of the protocol's error codes ({@code
 * invalid_frame}, {@code forbidden}, {@code not_found}, {@code rate_limited}, {@code internal}).
 */
public final class JobCommandException extends RuntimeException {
  public static final String INVALID = "invalid_frame";
  public static final String FORBIDDEN = "forbidden";
  public static final String NOT_FOUND = "not_found";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String INTERNAL = "internal";

  private final String code;
  private final long retryAfterMs;

  public JobCommandException(String code, String message) {
    this(code, message, 0, null);
  }

  public JobCommandException(String code, String message, long retryAfterMs, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  public String code() {
    return code;
  }

  /** For {@code rate_limited}: when to try again; 0 otherwise. */
  public long retryAfterMs() {
    return retryAfterMs;
  }
}
