package io.regen.realtime.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Who a verified token speaks for. Everything a client may read is derived from this, never from
 * names the client sends.
 *
 * @param userId the token's {@code sub}
 * @param roles the token's {@code roles} claim (e.g. {@code analyst}); empty when absent
 * @param expiresAt the token's {@code exp}
 */
public record AuthenticatedUser(String userId, Set<String> roles, Instant expiresAt) {
  public static final String ANALYST = "analyst";

  /**
   * The servlet request attribute under which a filter that has already verified the request's
   * {@code Authorization} header (the gateway's REST edge) leaves the verified caller, so that a
   * handler further down the same request need not parse and verify the token again. Request
   * attributes are set by server code only; a client cannot put one there.
   */
  public static final String REQUEST_ATTRIBUTE = "io.regen.realtime.auth.user";

  public AuthenticatedUser {
    roles = Set.copyOf(roles);
  }

  public boolean isAnalyst() {
    return roles.contains(ANALYST);
  }

  /** Whether this user may read data owned by {@code ownerId}: the owner or an analyst. */
  public boolean mayRead(String ownerId) {
    return userId.equals(ownerId) || isAnalyst();
  }
}
