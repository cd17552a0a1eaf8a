package io.regen.realtime.gateway.protocol;

/** The {@code code} values of error frames (see docs/protocol.md). */
public final class ErrorCodes {
  private ErrorCodes() {}

  public static final String INVALID_FRAME = "invalid_frame";
  public static final String UNKNOWN_TYPE = "unknown_type";
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String FORBIDDEN = "forbidden";
  public static final String NOT_FOUND = "not_found";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String INTERNAL = "internal";

  /**
   * The server cannot serve this now (e.g. the broker did not answer a subscribe's look-ups):
   * retryable, the frame carries {@code retryAfterMs}.
   */
  public static final String UNAVAILABLE = "unavailable";
}
