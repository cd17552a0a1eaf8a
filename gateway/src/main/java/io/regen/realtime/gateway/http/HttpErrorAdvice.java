package io.regen.realtime.gateway.http;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns {@link BearerAuth}'s exceptions into JSON errors for every controller: 401 {@code
 * unauthorized} (with {@code WWW-Authenticate: Bearer}) and 403 {@code forbidden}.
 */
@RestControllerAdvice
public class HttpErrorAdvice {

  @ExceptionHandler(UnauthorizedException.class)
  public ResponseEntity<ApiError> unauthorized(UnauthorizedException e) {
    return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"regen\", error=\"invalid_token\"")
        .contentType(MediaType.APPLICATION_JSON)
        .body(new ApiError("unauthorized", e.getMessage()));
  }

  @ExceptionHandler(ForbiddenException.class)
  public ResponseEntity<ApiError> forbidden(ForbiddenException e) {
    return ResponseEntity.status(HttpStatus.FORBIDDEN)
        .contentType(MediaType.APPLICATION_JSON)
        .body(new ApiError("forbidden", e.getMessage()));
  }
}
