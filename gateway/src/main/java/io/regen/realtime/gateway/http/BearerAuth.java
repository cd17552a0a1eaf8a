package io.regen.realtime.gateway.http;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.auth.InvalidTokenException;
import io.regen.realtime.auth.JwtVerifier;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;

/**
 * Authenticates REST requests: the JWT from {@code Authorization: Bearer <token>} (or, for clients
 * that cannot set headers, the {@code access_token} query parameter), verified by {@link
 * JwtVerifier}. Failures are typed exceptions that {@link HttpErrorAdvice} turns into JSON 401/403;
 * their messages never contain the token. Thread-safe.
 */
public final class BearerAuth {
  public static final String ACCESS_TOKEN_PARAMETER = "access_token";
  private static final String BEARER = "bearer ";

  private final JwtVerifier verifier;

  public BearerAuth(JwtVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * The authenticated caller.
   *
   * @throws UnauthorizedException no token, or the token is not valid
   */
  public AuthenticatedUser require(HttpServletRequest request) {
    String token = token(request);
    if (token == null) {
      throw new UnauthorizedException("missing bearer token");
    }
    try {
      return verifier.verify(token);
    } catch (InvalidTokenException e) {
      throw new UnauthorizedException(e.getMessage());
    }
  }

  /**
   * The caller, if they may read data owned by {@code ownerId} (the owner or an analyst).
   *
   * @throws UnauthorizedException no valid token
   * @throws ForbiddenException a valid token of someone else
   */
  public AuthenticatedUser requireReaderOf(HttpServletRequest request, String ownerId) {
    AuthenticatedUser user = require(request);
    if (!user.mayRead(ownerId)) {
      throw new ForbiddenException("only the owner or an analyst may read this");
    }
    return user;
  }

  /**
   * The caller, if they have the {@code analyst} role.
   *
   * @throws UnauthorizedException no valid token
   * @throws ForbiddenException a valid token without the role
   */
  public AuthenticatedUser requireAnalyst(HttpServletRequest request) {
    AuthenticatedUser user = require(request);
    if (!user.isAnalyst()) {
      throw new ForbiddenException("this needs the analyst role");
    }
    return user;
  }

  private static String token(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && !header.isBlank()) {
      String h = header.trim();
      if (h.length() > BEARER.length() && h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return h.substring(BEARER.length()).trim();
      }
      throw new UnauthorizedException("Authorization header is not a Bearer token");
    }
    // The gateway's Jetty handler moves access_token out of the query (so no log sees it).
    Object hidden =
        request.getAttribute(io.regen.realtime.gateway.auth.AccessTokenQueryParameter.ATTRIBUTE);
    if (hidden instanceof String h && !h.isBlank()) {
      return h.trim();
    }
    String parameter = request.getParameter(ACCESS_TOKEN_PARAMETER);
    return parameter == null || parameter.isBlank() ? null : parameter.trim();
  }
}
