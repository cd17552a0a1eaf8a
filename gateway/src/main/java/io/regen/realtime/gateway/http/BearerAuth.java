package io.regen.realtime.gateway.http;

import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;

/**
 * Applies the platform's one bearer token check ({@link BearerAuthenticator}) and access rules
 * ({@link AccessRules}) to a gateway REST request. The token comes from {@code Authorization:
 * Bearer <token>} only: a token in the URL is for the WebSocket handshake ({@link RestEdgeFilter}
 * refuses it on REST). Refusals are {@link io.regen.realtime.auth.AccessDeniedException}s, which
 * {@link HttpErrorAdvice} turns into JSON 401/403. Thread-safe.
 */
public final class BearerAuth {
  private final BearerAuthenticator authenticator;

  public BearerAuth(BearerAuthenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
  }

  /** The authenticated caller; 401 without a valid token. */
  public AuthenticatedUser require(HttpServletRequest request) {
    return authenticator.authenticate(request.getHeader("Authorization"));
  }

  /** The caller, if they may read data owned by {@code ownerId}; 401 or 403 otherwise. */
  public AuthenticatedUser requireReaderOf(HttpServletRequest request, String ownerId) {
    return AccessRules.requireReaderOf(require(request), ownerId);
  }

  /** The caller, if they have the analyst role; 401 or 403 otherwise. */
  public AuthenticatedUser requireAnalyst(HttpServletRequest request) {
    return AccessRules.requireAnalyst(require(request));
  }
}
