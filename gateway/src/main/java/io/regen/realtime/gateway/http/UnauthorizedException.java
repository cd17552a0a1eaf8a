package io.regen.realtime.gateway.http;

/** No usable bearer token (missing, malformed, expired, bad signature): HTTP 401. */
public class UnauthorizedException extends RuntimeException {
  public UnauthorizedException(String message) {
    super(message);
  }
}
