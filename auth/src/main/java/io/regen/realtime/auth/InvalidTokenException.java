package io.regen.realtime.auth;

/** A token that was refused; the message says why (expired, wrong issuer, bad signature, ...). */
public class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }

  public InvalidTokenException(String message) {
    super(message);
  }
}
