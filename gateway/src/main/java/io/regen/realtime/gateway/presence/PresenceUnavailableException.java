package io.regen.realtime.gateway.presence;

/** The presence store did not answer in time or is down; REST maps it to 503 presence_unavailable. */
public class PresenceUnavailableException extends RuntimeException {
  public PresenceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
