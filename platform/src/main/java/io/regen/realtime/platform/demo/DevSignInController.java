package io.regen.realtime.platform.demo;

import io.regen.realtime.auth.ErrorBody;
import io.regen.realtime.auth.JwtIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/dev/sign-in {"userId":"alice"}}: a short-lived token for any typed user name,
 * signed with {@code up}'s HS256 secret. It exists only in {@code up} (a local playground whose
 * secret is a file in the data directory anyway); a deployed gateway never has it.
 */
@RestController
public class DevSignInController {
  /** The role the demo needs for the live metrics push, and nothing else. */
  static final List<String> ROLES = List.of(LiveMetricsPush.ROLE);

  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  private final JwtIssuer issuer;
  private final Duration ttl;
  private final Clock clock;

  /** {@code issuer} null: tokens are verified with a public key only, nothing can be signed. */
  public DevSignInController(JwtIssuer issuer, Duration ttl, Clock clock) {
    this.issuer = issuer;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The request body. */
  public record SignIn(String userId) {}

  /** The reply: the token, who it is for, and when it expires (epoch ms). */
  public record Token(String token, String userId, long expiresAt) {}

  @PostMapping(
      path = "/api/dev/sign-in",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<?> signIn(@RequestBody(required = false) SignIn body) {
    if (issuer == null) {
      return ResponseEntity.status(HttpStatus.NOT_IMPLEMENTED)
          .body(
              new ErrorBody(
                  "not_available",
                  "dev sign-in needs the HS256 secret (JWT_SECRET or up's dev secret); with"
                      + " JWT_PUBLIC_KEY paste a token instead"));
    }
    String userId = body == null ? null : body.userId();
    if (userId == null || !USER_ID.matcher(userId).matches()) {
      return ResponseEntity.badRequest()
          .body(
              new ErrorBody(
                  "invalid_request",
                  "userId must be 1-64 characters: letters, digits and . _ @ - (not first)"));
    }
    long expiresAt = clock.instant().plus(ttl).toEpochMilli();
    return ResponseEntity.ok(new Token(issuer.issue(userId, ROLES, ttl), userId, expiresAt));
  }
}
