package io.regen.realtime.auth;

import java.util.Objects;

/**
 * The one bearer token check of the platform's REST APIs: parses {@code Authorization: Bearer
 * <jwt>} and verifies the token with {@link JwtVerifier}. Every refusal is an {@link
 * AccessDeniedException} 401 whose message never contains the token. Thread-safe.
 */
public final class BearerAuthenticator {
  private static final String BEARER = "bearer ";

  private final JwtVerifier verifier;

  public BearerAuthenticator(JwtVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * The token of an {@code Authorization} header value; null when the header is absent or blank.
   *
   * @throws AccessDeniedException 401 when the header is not a Bearer token
   */
  public static String tokenOf(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    String h = authorization.trim();
    if (h.length() > BEARER.length() && h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return h.substring(BEARER.length()).trim();
    }
    throw AccessDeniedException.invalidToken("Authorization must be a Bearer token");
  }

  /**
   * The user an {@code Authorization} header speaks for.
   *
   * @throws AccessDeniedException 401 when the header is missing, not a Bearer token, or the token
   *     is refused
   */
  public AuthenticatedUser authenticate(String authorization) {
    return verify(tokenOf(authorization));
  }

  /**
   * The user a bare token speaks for (a token from elsewhere than the header, e.g. the {@code
   * access_token} query parameter).
   *
   * @param token the token, or null when the request carried none
   * @throws AccessDeniedException 401 when there is no token or it is refused
   */
  public AuthenticatedUser verify(String token) {
    if (token == null || token.isBlank()) {
      throw AccessDeniedException.missingToken("Authorization: Bearer <token> is required");
    }
    try {
      return verifier.verify(token);
    } catch (InvalidTokenException e) {
      throw AccessDeniedException.invalidToken("Token refused: " + e.getMessage());
    }
  }
}
