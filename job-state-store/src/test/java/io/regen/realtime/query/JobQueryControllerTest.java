package io.regen.realtime.query;

import static io.regen.realtime.query.QueryServiceTest.SELF;
import static io.regen.realtime.query.QueryServiceTest.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.auth.JwtVerifier;
import io.regen.realtime.query.api.JobStateView;
import io.regen.realtime.query.web.JobQueryController;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller of a job lookup: the user a filter in front already verified for the request (the
 * gateway's edge under {@code up}) is used as is, without verifying the header again; without one
 * the header's token is verified here. The access rules apply to whichever it is.
 */
class JobQueryControllerTest {
  private static final String SECRET = "job-query-controller-test-secret-0123456789";
  private static final String NOT_A_TOKEN = "Bearer not-a-token";

  private final QueryServiceTest fixture = new QueryServiceTest();
  private final JobQueryController controller =
      new JobQueryController(
          fixture.service,
          new BearerAuthenticator(new JwtVerifier(JwtSettings.hs256(SECRET))),
          100);

  @BeforeEach
  void aJobOfUserUOwnedHere() {
    fixture.owner(SELF, 2);
    fixture.local.put(2, "j1", job("j1", 2, 10), true);
  }

  @Test
  void aUserVerifiedForTheRequestIsNotVerifiedAgain() {
    // The header is not a token at all: answered only because the header is not looked at.
    JobStateView state =
        controller.state("j1", null, null, null, user("u", Set.of()), NOT_A_TOKEN).getBody();
    assertThat(state.jobId()).isEqualTo("j1");
    assertThat(
            controller.status("j1", null, null, user("u", Set.of()), NOT_A_TOKEN).getStatusCode())
        .matches(s -> s.is2xxSuccessful());
  }

  @Test
  void withoutAVerifiedUserTheHeadersTokenIsVerifiedHere() {
    assertThatThrownBy(() -> controller.state("j1", null, null, null, null, NOT_A_TOKEN))
        .isInstanceOfSatisfying(
            AccessDeniedException.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThatThrownBy(() -> controller.state("j1", null, null, null, null, null))
        .isInstanceOfSatisfying(
            AccessDeniedException.class, e -> assertThat(e.status()).isEqualTo(401));
    String token = new JwtIssuer(JwtSettings.hs256(SECRET)).issue("u");
    assertThat(controller.state("j1", null, null, null, null, "Bearer " + token).getBody().jobId())
        .isEqualTo("j1");
  }

  @Test
  void theAccessRulesApplyToTheVerifiedUser() {
    assertThatThrownBy(
            () -> controller.state("j1", null, null, null, user("mallory", Set.of()), NOT_A_TOKEN))
        .isInstanceOfSatisfying(
            AccessDeniedException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(
            controller
                .state(
                    "j1",
                    null,
                    null,
                    null,
                    user("ana", Set.of(AuthenticatedUser.ANALYST)),
                    NOT_A_TOKEN)
                .getBody()
                .jobId())
        .isEqualTo("j1");
    assertThatThrownBy(
            () -> controller.userJobs("u", null, null, user("mallory", Set.of()), NOT_A_TOKEN))
        .isInstanceOfSatisfying(
            AccessDeniedException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  private static AuthenticatedUser user(String id, Set<String> roles) {
    return new AuthenticatedUser(id, roles, Instant.now().plus(Duration.ofHours(1)));
  }
}
