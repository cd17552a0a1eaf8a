package io.regen.realtime.gateway.presence;

/**
 * The presence store did not answer in time, is down, or refused the command because its bounded
 * queue is full. REST maps it to 503 {@code presence_unavailable}.
 */
public class PresenceUnavailableException extends RuntimeException {
  public PresenceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public PresenceUnavailableException(String message) {
    super(message);
  }
}
