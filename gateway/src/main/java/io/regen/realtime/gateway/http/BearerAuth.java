package io.regen.realtime.gateway.http;

import io.regen.realtime.auth.AccessRules;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.gateway.auth.AccessTokenQueryParameter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;

/**
 * Applies the platform's one bearer token check ({@link BearerAuthenticator}) and access rules
 * ({@link AccessRules}) to a gateway REST request. The token comes from {@code Authorization:
 * Bearer <token>} or, for clients that cannot set headers, the {@code access_token} query
 * parameter. Refusals are {@link io.regen.realtime.auth.AccessDeniedException}s, which {@link
 * HttpErrorAdvice} turns into JSON 401/403. Thread-safe.
 */
public final class BearerAuth {
  public static final String ACCESS_TOKEN_PARAMETER = "access_token";

  private final BearerAuthenticator authenticator;

  public BearerAuth(BearerAuthenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
  }

  /** The authenticated caller; 401 without a valid token. */
  public AuthenticatedUser require(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && !header.isBlank()) {
      return authenticator.authenticate(header);
    }
    return authenticator.verify(queryToken(request));
  }

  /** The caller, if they may read data owned by {@code ownerId}; 401 or 403 otherwise. */
  public AuthenticatedUser requireReaderOf(HttpServletRequest request, String ownerId) {
    return AccessRules.requireReaderOf(require(request), ownerId);
  }

  /** The caller, if they have the analyst role; 401 or 403 otherwise. */
  public AuthenticatedUser requireAnalyst(HttpServletRequest request) {
    return AccessRules.requireAnalyst(require(request));
  }

  private static String queryToken(HttpServletRequest request) {
    // The gateway's Jetty handler moves access_token out of the query (so no log sees it).
    Object hidden = request.getAttribute(AccessTokenQueryParameter.ATTRIBUTE);
    if (hidden instanceof String h && !h.isBlank()) {
      return h.trim();
    }
    String parameter = request.getParameter(ACCESS_TOKEN_PARAMETER);
    return parameter == null || parameter.isBlank() ? null : parameter.trim();
  }
}
