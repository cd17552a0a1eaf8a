package io.regen.realtime.query.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.auth.ErrorBody;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.QueryUnavailableException.Reason;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The one exception-to-answer mapping of the query API, used by Spring MVC's {@code
 * ExceptionHandler} and by {@link JobLookupFilter}: every type Spring MVC routes to it has an
 * answer, causes count, and what it does not know stays the caller's (a 500).
 */
class QueryExceptionHandlerTest {
  private final QueryExceptionHandler handler = new QueryExceptionHandler();

  @Test
  void clientErrorsKeepTheirStatusAndCode() {
    ResponseEntity<ErrorBody> r = answer(ApiException.notFound("No job j"));
    assertThat(r.getStatusCode().value()).isEqualTo(404);
    assertThat(r.getBody()).isEqualTo(new ErrorBody("not_found", "No job j"));
    assertThat(answer(ApiException.badRequest("bad")).getStatusCode().value()).isEqualTo(400);
  }

  @Test
  void unauthenticatedIs401WithItsChallengeAndForbiddenIs403WithNone() {
    AccessDeniedException missing =
        catchDenied(
            () ->
                new BearerAuthenticator(new JwtVerifier(JwtSettings.hs256("s".repeat(40))))
                    .authenticate(null));
    ResponseEntity<ErrorBody> r = answer(missing);
    assertThat(r.getStatusCode().value()).isEqualTo(401);
    assertThat(r.getHeaders().getFirst("WWW-Authenticate")).isEqualTo(missing.wwwAuthenticate());
    assertThat(r.getBody()).isEqualTo(missing.body());

    AuthenticatedUser bob = new AuthenticatedUser("bob", Set.of(), Instant.now().plusSeconds(60));
    AccessDeniedException forbidden = catchDenied(() -> AccessRules.requireReaderOf(bob, "alice"));
    r = answer(forbidden);
    assertThat(r.getStatusCode().value()).isEqualTo(403);
    assertThat(r.getHeaders().getFirst("WWW-Authenticate")).isNull();
  }

  @Test
  void unavailableIs503WithRetryAfterAndReason() {
    ResponseEntity<ErrorBody> r =
        answer(new QueryUnavailableException(Reason.OWNER_UNREACHABLE, "down"));
    assertThat(r.getStatusCode().value()).isEqualTo(503);
    assertThat(r.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(r.getBody()).isEqualTo(new ErrorBody("owner_unreachable", "down"));
  }

  @Test
  void kafkaStreamsExceptionsAre503StoreNotReady() {
    ResponseEntity<ErrorBody> r = answer(new InvalidStateStoreException("thread is STARTING"));
    assertThat(r.getStatusCode().value()).isEqualTo(503);
    assertThat(r.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(r.getBody().error()).isEqualTo("store_not_ready");
  }

  @Test
  void aBindingTypeMismatchIs400() throws NoSuchMethodException {
    Method m = QueryExceptionHandlerTest.class.getDeclaredMethod("answer", RuntimeException.class);
    var mismatch =
        new MethodArgumentTypeMismatchException(
            "x", Integer.class, "partition", new MethodParameter(m, 0), null);
    ResponseEntity<ErrorBody> r = answer(mismatch);
    assertThat(r.getStatusCode().value()).isEqualTo(400);
    assertThat(r.getBody().error()).isEqualTo("bad_request");
  }

  @Test
  void aMappedCauseAnswersAsItselfAsInSpringsResolution() {
    ResponseEntity<ErrorBody> r =
        answer(new IllegalStateException("wrapped", new InvalidStateStoreException("rebalancing")));
    assertThat(r.getStatusCode().value()).isEqualTo(503);
    assertThat(r.getBody().error()).isEqualTo("store_not_ready");
  }

  @Test
  void aCauseChainThatLoopsBackEndsWithoutAnAnswer() {
    IllegalStateException outer = new IllegalStateException("outer");
    IllegalArgumentException inner = new IllegalArgumentException("inner", outer);
    outer.initCause(inner);
    assertThat(handler.answer(outer)).isEmpty();
  }

  @Test
  void anUnknownExceptionHasNoAnswerAndSpringsEntryRethrowsIt() {
    IllegalStateException bug = new IllegalStateException("a bug");
    assertThat(handler.answer(bug)).isEmpty();
    assertThatThrownBy(() -> handler.handle(bug)).isSameAs(bug);
  }

  /** Every type Spring MVC hands to {@code handle} has an answer in the one mapping. */
  @Test
  void everyTypeSpringRoutesToTheMappingIsMapped() throws NoSuchMethodException {
    ExceptionHandler routed =
        QueryExceptionHandler.class
            .getMethod("handle", Exception.class)
            .getAnnotation(ExceptionHandler.class);
    List<Class<? extends Throwable>> types = Arrays.asList(routed.value());
    assertThat(types)
        .containsExactlyInAnyOrder(
            ApiException.class,
            AccessDeniedException.class,
            QueryUnavailableException.class,
            org.apache.kafka.common.KafkaException.class,
            MethodArgumentTypeMismatchException.class);
  }

  private ResponseEntity<ErrorBody> answer(RuntimeException e) {
    return handler.answer(e).orElseThrow();
  }

  private static AccessDeniedException catchDenied(Runnable r) {
    try {
      r.run();
    } catch (AccessDeniedException e) {
      return e;
    }
    throw new AssertionError("not denied");
  }
}
