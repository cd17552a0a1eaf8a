package io.regen.realtime.gateway.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code access_token} query parameter: accepted on the WebSocket handshake for clients that
 * cannot send headers, and removed from the request URI before anything else sees it, so it never
 * reaches a log line (access log, Spring, Jetty or ours).
 */
public final class AccessTokenQueryParameter {
  /** The query parameter's name. */
  public static final String NAME = "access_token";

  /** The request attribute the stripped token is kept in. */
  public static final String ATTRIBUTE = "io.regen.realtime.gateway.accessToken";

  private AccessTokenQueryParameter() {}

  /** The query without any {@code access_token} parameter, or null when nothing is left. */
  public static String strip(String query) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    StringBuilder kept = new StringBuilder(query.length());
    for (String pair : query.split("&")) {
      if (pair.isEmpty() || isToken(pair)) {
        continue;
      }
      if (!kept.isEmpty()) {
        kept.append('&');
      }
      kept.append(pair);
    }
    return kept.isEmpty() ? null : kept.toString();
  }

  /** The decoded value of the first {@code access_token} parameter, or null. */
  public static String find(String query) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (isToken(pair)) {
        int eq = pair.indexOf('=');
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        try {
          return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return value;
        }
      }
    }
    return null;
  }

  /** Whether a query contains the parameter (cheap pre-check). */
  public static boolean present(String query) {
    return query != null && query.contains(NAME);
  }

  private static boolean isToken(String pair) {
    return pair.equals(NAME) || pair.startsWith(NAME + "=");
  }
}
