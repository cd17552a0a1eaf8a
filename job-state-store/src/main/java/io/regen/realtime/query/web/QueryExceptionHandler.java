package io.regen.realtime.query.web;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.ErrorBody;
import io.regen.realtime.query.QueryUnavailableException;
import java.util.Locale;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Error answers of the query API: client errors with their status; anything that means "the stores
 * cannot answer correctly now" (including Kafka Streams' own exceptions escaping a read) is a 503
 * with {@code Retry-After}, never a 500.
 */
@RestControllerAdvice(
    assignableTypes = {
      JobQueryController.class,
      AnalyticsController.class,
      InternalQueryController.class
    })
public class QueryExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(QueryExceptionHandler.class);

  @ExceptionHandler(ApiException.class)
  public ResponseEntity<ErrorBody> api(ApiException e) {
    return ResponseEntity.status(e.status()).body(new ErrorBody(e.code(), e.getMessage()));
  }

  @ExceptionHandler(AccessDeniedException.class)
  public ResponseEntity<ErrorBody> accessDenied(AccessDeniedException e) {
    ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status());
    if (e.kind() == AccessDeniedException.Kind.UNAUTHENTICATED) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate());
    }
    return builder.body(e.body());
  }

  @ExceptionHandler(QueryUnavailableException.class)
  public ResponseEntity<ErrorBody> unavailable(QueryUnavailableException e) {
    log.debug("Query unavailable: {}", e.getMessage());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())))
        .body(new ErrorBody(e.reason().name().toLowerCase(Locale.ROOT), e.getMessage()));
  }

  @ExceptionHandler(KafkaException.class)
  public ResponseEntity<ErrorBody> streams(KafkaException e) {
    return unavailable(
        new QueryUnavailableException(
            QueryUnavailableException.Reason.STORE_NOT_READY, "Stores not queryable: " + e, e));
  }

  @ExceptionHandler({
    MissingServletRequestParameterException.class,
    MethodArgumentTypeMismatchException.class
  })
  public ResponseEntity<ErrorBody> badParameter(Exception e) {
    return ResponseEntity.badRequest().body(new ErrorBody("bad_request", e.getMessage()));
  }
}
