package io.regen.realtime.gateway.http;

import io.regen.realtime.auth.AccessDeniedException;
import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.auth.AccessTokenQueryParameter;
import io.regen.realtime.gateway.limits.UserRateLimiter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The first thing every REST request ({@code /api/*}) meets, before any controller and before a
 * byte of its body is read: a token in the URL is refused (400, {@code access_token} is for the
 * WebSocket handshake only: URLs end up in proxy logs and browser history), the bearer token is
 * verified (401), and the user's request rate is checked (429 with {@code Retry-After}). A request
 * that passes carries its {@link AuthenticatedUser} in the attribute {@link #USER}. Errors are the
 * gateway's JSON {@code {"error","message"}}.
 */
public final class RestEdgeFilter extends OncePerRequestFilter {
  /**
   * The request attribute holding the verified caller: the platform's one name for it, which the
   * query API's controllers read under {@code up} instead of verifying the token a second time.
   */
  public static final String USER = AuthenticatedUser.REQUEST_ATTRIBUTE;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private static final long EVICT_EVERY_NANOS = 60_000_000_000L;

  private final BearerAuth auth;
  private final UserRateLimiter rate;
  private final java.util.concurrent.atomic.AtomicLong lastEviction =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

  private final Set<String> publicPaths;

  public RestEdgeFilter(BearerAuth auth, UserRateLimiter rate) {
    this(auth, rate, Set.of());
  }

  /**
   * @param publicPaths exact request paths served without a token (e.g. {@code up}'s dev sign-in);
   *     the body cap of the connector still applies to them
   */
  public RestEdgeFilter(BearerAuth auth, UserRateLimiter rate, Set<String> publicPaths) {
    this.auth = auth;
    this.rate = rate;
    this.publicPaths = Set.copyOf(publicPaths);
  }

  /**
   * CORS preflights carry no credentials by design (the CORS configuration answers them), and
   * public paths need none.
   */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    boolean preflight =
        "OPTIONS".equals(request.getMethod())
            && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
    return preflight || publicPaths.contains(request.getRequestURI());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getAttribute(AccessTokenQueryParameter.ATTRIBUTE) != null
        || request.getParameter(AccessTokenQueryParameter.NAME) != null) {
      write(
          response,
          HttpServletResponse.SC_BAD_REQUEST,
          "invalid_request",
          "access_token in the URL is accepted only on the WebSocket handshake;"
              + " send Authorization: Bearer <token>",
          null);
      return;
    }
    AuthenticatedUser user;
    try {
      user = auth.require(request);
    } catch (AccessDeniedException e) {
      if (e.status() == HttpServletResponse.SC_UNAUTHORIZED) {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, e.wwwAuthenticate());
      }
      write(response, e.status(), e.code(), e.getMessage(), null);
      return;
    }
    evictIdleUsersNowAndThen();
    long retryAfterMs = rate.tryAcquire(user.userId());
    if (retryAfterMs > 0) {
      response.setHeader(
          HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)));
      write(
          response,
          429,
          "rate_limited",
          "too many requests; retry in " + retryAfterMs + " ms",
          retryAfterMs);
      return;
    }
    request.setAttribute(USER, user);
    chain.doFilter(request, response);
  }

  /** Forgets refilled buckets about once a minute, so memory follows active users only. */
  private void evictIdleUsersNowAndThen() {
    long now = System.nanoTime();
    long last = lastEviction.get();
    if (now - last > EVICT_EVERY_NANOS && lastEviction.compareAndSet(last, now)) {
      rate.evictIdle();
    }
  }

  private static void write(
      HttpServletResponse response, int status, String code, String message, Long retryAfterMs)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    if (retryAfterMs != null) {
      body.put("retryAfterMs", retryAfterMs);
    }
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }
}
