package io.regen.realtime.gateway.http;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.ErrorBody;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the token check's refusals into JSON errors for every controller of the gateway: 401 {@code
 * unauthorized} (with {@code WWW-Authenticate}) and 403 {@code forbidden}.
 */
@RestControllerAdvice
public class HttpErrorAdvice {

  @ExceptionHandler(AccessDeniedException.class)
  public ResponseEntity<ErrorBody> accessDenied(AccessDeniedException e) {
    return response(e);
  }

  /** The response of a refusal, for controllers that render errors themselves. */
  public static ResponseEntity<ErrorBody> response(AccessDeniedException e) {
    ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status());
    if (e.kind() == AccessDeniedException.Kind.UNAUTHENTICATED) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate());
    }
    return builder.contentType(MediaType.APPLICATION_JSON).body(e.body());
  }
}
