package io.regen.realtime.gateway.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may open a WebSocket. A request without an {@code Origin} header comes from
 * a non-browser client and is allowed (it could forge any origin anyway); a browser request must
 * come from a listed origin. {@code *} allows every origin.
 */
public final class OriginPolicy {
  private final Set<String> allowed = new LinkedHashSet<>();
  private final boolean any;

  public OriginPolicy(List<String> origins) {
    boolean wildcard = false;
    for (String origin : origins) {
      String o = normalize(origin);
      if (o.isEmpty()) {
        continue;
      }
      if (o.equals("*")) {
        wildcard = true;
      }
      allowed.add(o);
    }
    this.any = wildcard;
  }

  /** Parses a comma-separated list such as {@code FRONTEND_ORIGIN}. */
  public static List<String> parse(String commaSeparated) {
    return commaSeparated == null
        ? List.of()
        : java.util.Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
  }

  public boolean allows(String origin) {
    if (origin == null || origin.isBlank()) {
      return true;
    }
    return any || allowed.contains(normalize(origin));
  }

  public Set<String> origins() {
    return Set.copyOf(allowed);
  }

  private static String normalize(String origin) {
    String o = origin == null ? "" : origin.trim().toLowerCase(Locale.ROOT);
    while (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    return o;
  }
}
