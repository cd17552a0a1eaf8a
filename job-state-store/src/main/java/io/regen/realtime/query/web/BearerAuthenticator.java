package io.regen.realtime.query.web;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import java.util.Objects;

/**
 * Turns an {@code Authorization: Bearer <jwt>} header into the user it speaks for, or a 401. The
 * token is never logged or echoed.
 */
public final class BearerAuthenticator {
  private static final String PREFIX = "Bearer ";

  private final JwtVerifier verifier;

  public BearerAuthenticator(JwtVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * @throws ApiException 401 when the header is missing, not a bearer token, or the token is
   *     refused
   */
  public AuthenticatedUser authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ApiException.unauthorized("Authorization: Bearer <token> is required");
    }
    if (!authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw ApiException.unauthorized("Authorization must be a Bearer token");
    }
    try {
      return verifier.verify(authorization.substring(PREFIX.length()));
    } catch (InvalidTokenException e) {
      throw ApiException.unauthorized("Token refused: " + e.getMessage());
    }
  }

  /** 403 unless the user is an analyst. */
  public static void requireAnalyst(AuthenticatedUser user) {
    if (!user.isAnalyst()) {
      throw ApiException.forbidden("This endpoint is for analysts");
    }
  }
}
