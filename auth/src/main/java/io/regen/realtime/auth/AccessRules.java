package io.regen.realtime.auth;

/**
 * Who may read what, for every REST API of the platform: a user's data (a job, its history, its
 * listing, its presence) to that user or an analyst; aggregates to analysts. Refusals are {@link
 * AccessDeniedException} 403.
 */
public final class AccessRules {
  private AccessRules() {}

  /**
   * The user, if they may read data owned by {@code ownerId} (the owner or an analyst).
   *
   * @throws AccessDeniedException 403 for another user without the analyst role
   */
  public static AuthenticatedUser requireReaderOf(AuthenticatedUser user, String ownerId) {
    if (!user.mayRead(ownerId)) {
      throw AccessDeniedException.forbidden("Only the owner or an analyst may read this");
    }
    return user;
  }

  /**
   * The user, if they have the {@code analyst} role.
   *
   * @throws AccessDeniedException 403 otherwise
   */
  public static AuthenticatedUser requireAnalyst(AuthenticatedUser user) {
    if (!user.isAnalyst()) {
      throw AccessDeniedException.forbidden("This needs the analyst role");
    }
    return user;
  }
}
