package io.regen.realtime.query.web;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.ErrorBody;
import io.regen.realtime.query.QueryUnavailableException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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

  /**
   * The answer to an exception of a query, or empty when it has none here (a 500): the one dispatch
   * of both paths, Spring MVC's ({@link #handle}) and {@link JobLookupFilter}'s, so a type mapped
   * here answers the same on both. Like Spring's handler resolution, the exception's causes count
   * too (the first one, from the outside, with an answer).
   */
  public Optional<ResponseEntity<ErrorBody>> answer(Throwable e) {
    // A cause chain can loop back on itself (initCause of an outer exception): each one once.
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      ResponseEntity<ErrorBody> answer = answerOf(t);
      if (answer != null) {
        return Optional.of(answer);
      }
    }
    return Optional.empty();
  }

  /** Spring MVC's entry: every type {@link #answer} maps. */
  @ExceptionHandler({
    ApiException.class,
    AccessDeniedException.class,
    QueryUnavailableException.class,
    KafkaException.class,
    MethodArgumentTypeMismatchException.class
  })
  public ResponseEntity<ErrorBody> handle(Exception e) throws Exception {
    return answer(e).orElseThrow(() -> e);
  }

  private static ResponseEntity<ErrorBody> answerOf(Throwable e) {
    if (e instanceof ApiException api) {
      return ResponseEntity.status(api.status()).body(new ErrorBody(api.code(), api.getMessage()));
    }
    if (e instanceof AccessDeniedException denied) {
      return accessDenied(denied);
    }
    if (e instanceof QueryUnavailableException unavailable) {
      return unavailable(unavailable);
    }
    if (e instanceof KafkaException streams) {
      // Kafka Streams' own exceptions escaping a read: the stores cannot answer now.
      return unavailable(
          new QueryUnavailableException(
              QueryUnavailableException.Reason.STORE_NOT_READY,
              "Stores not queryable: " + streams,
              streams));
    }
    if (e instanceof MethodArgumentTypeMismatchException mismatch) {
      return badParameter(mismatch);
    }
    return null;
  }

  /**
   * A missing parameter: a checked exception of Spring MVC's argument binding, so only on its path.
   */
  @ExceptionHandler(MissingServletRequestParameterException.class)
  public ResponseEntity<ErrorBody> missingParameter(MissingServletRequestParameterException e) {
    return badParameter(e);
  }

  private static ResponseEntity<ErrorBody> accessDenied(AccessDeniedException e) {
    ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status());
    if (e.kind() == AccessDeniedException.Kind.UNAUTHENTICATED) {
      builder.header(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate());
    }
    return builder.body(e.body());
  }

  private static ResponseEntity<ErrorBody> unavailable(QueryUnavailableException e) {
    log.debug("Query unavailable: {}", e.getMessage());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())))
        .body(new ErrorBody(e.reason().name().toLowerCase(Locale.ROOT), e.getMessage()));
  }

  private static ResponseEntity<ErrorBody> badParameter(Exception e) {
    return ResponseEntity.badRequest().body(new ErrorBody("bad_request", e.getMessage()));
  }
}
