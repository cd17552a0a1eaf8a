package io.regen.realtime.query.web;

import org.springframework.http.HttpStatus;

/**
 * A client error with its status and machine-readable code (400, 404); 401 and 403 are {@link
 * io.regen.realtime.auth.AccessDeniedException}s.
 */
public final class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String code;

  private ApiException(HttpStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(HttpStatus.BAD_REQUEST, "bad_request", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(HttpStatus.NOT_FOUND, "not_found", message);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }
}
