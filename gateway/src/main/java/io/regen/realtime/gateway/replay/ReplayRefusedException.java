package io.regen.realtime.gateway.replay;

/**
 * A replay or history read refused before it started because its user (or this node) already has as
 * many running as allowed: code {@value #CODE}, retry later. Never a partial answer.
 */
public final class ReplayRefusedException extends RuntimeException {
  /** The error code sent to the client (error frame, or the REST error body with 429). */
  public static final String CODE = "replay_busy";

  public ReplayRefusedException(String message) {
    super(message, null, false, false);
  }

  public String code() {
    return CODE;
  }
}
