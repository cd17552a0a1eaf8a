package io.regen.realtime.auth;

/**
 * A request refused by the bearer token check: {@link Kind#UNAUTHENTICATED} (no usable token: HTTP
 * 401) or {@link Kind#FORBIDDEN} (a valid token that may not do this: HTTP 403). The message never
 * contains the token. The HTTP layers render it with {@link #status()}, {@link #body()} and, for
 * 401, {@link #wwwAuthenticate()}.
 */
public final class AccessDeniedException extends RuntimeException {
  /** Why access was denied. */
  public enum Kind {
    UNAUTHENTICATED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden");

    private final int status;
    private final String code;

    Kind(int status, String code) {
      this.status = status;
      this.code = code;
    }
  }

  private final Kind kind;
  private final boolean tokenPresented;

  private AccessDeniedException(Kind kind, String message, boolean tokenPresented) {
    super(message, null, false, false);
    this.kind = kind;
    this.tokenPresented = tokenPresented;
  }

  /** No token at all. */
  static AccessDeniedException missingToken(String message) {
    return new AccessDeniedException(Kind.UNAUTHENTICATED, message, false);
  }

  /** A token (or Authorization header) that was refused. */
  static AccessDeniedException invalidToken(String message) {
    return new AccessDeniedException(Kind.UNAUTHENTICATED, message, true);
  }

  static AccessDeniedException forbidden(String message) {
    return new AccessDeniedException(Kind.FORBIDDEN, message, true);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status: 401 or 403. */
  public int status() {
    return kind.status;
  }

  /** The error code: {@code unauthorized} or {@code forbidden}. */
  public String code() {
    return kind.code;
  }

  public ErrorBody body() {
    return new ErrorBody(kind.code, getMessage());
  }

  /**
   * The {@code WWW-Authenticate} challenge of a 401 (RFC 6750: {@code error="invalid_token"} only
   * when a token was presented).
   */
  public String wwwAuthenticate() {
    return tokenPresented ? "Bearer realm=\"regen\", error=\"invalid_token\"" : "Bearer";
  }
}
