package io.regen.realtime.gateway.jobs;

import io.regen.realtime.gateway.protocol.ErrorCodes;

/**
 * A job command that was refused; {@link #code()} is one of the protocol's error codes ({@code
 * invalid_frame}, {@code forbidden}, {@code not_found}, {@code rate_limited}, {@code internal}).
 */
public final class JobCommandException extends RuntimeException {
  public static final String INVALID = ErrorCodes.INVALID_FRAME;
  public static final String FORBIDDEN = ErrorCodes.FORBIDDEN;
  public static final String NOT_FOUND = ErrorCodes.NOT_FOUND;
  public static final String RATE_LIMITED = ErrorCodes.RATE_LIMITED;
  public static final String INTERNAL = ErrorCodes.INTERNAL;

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
