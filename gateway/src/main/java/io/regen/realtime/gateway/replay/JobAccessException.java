package io.regen.realtime.gateway.replay;

import io.regen.realtime.gateway.protocol.ErrorCodes;

/** Why a replay or history read was refused: the job is unknown, or another user's. */
public final class JobAccessException extends RuntimeException {
  /** {@code not_found} or {@code forbidden}, the protocol's error codes. */
  private final String code;

  private JobAccessException(String code, String message) {
    super(message);
    this.code = code;
  }

  static JobAccessException notFound(String message) {
    return new JobAccessException(ErrorCodes.NOT_FOUND, message);
  }

  static JobAccessException forbidden(String message) {
    return new JobAccessException(ErrorCodes.FORBIDDEN, message);
  }

  public String code() {
    return code;
  }

  public boolean forbidden() {
    return ErrorCodes.FORBIDDEN.equals(code);
  }
}
