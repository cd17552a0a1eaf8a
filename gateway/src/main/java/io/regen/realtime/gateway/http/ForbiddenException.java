package io.regen.realtime.gateway.http;

/** A valid token that may not do this (another user's data, analyst-only endpoint): HTTP 403. */
public class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message);
  }
}
