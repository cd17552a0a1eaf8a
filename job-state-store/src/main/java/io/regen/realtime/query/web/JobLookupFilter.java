package io.regen.realtime.query.web;

import io.regen.realtime.auth.AuthenticatedUser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.databind.ObjectWriter;

/**
 * The job lookups ({@code GET /api/job/{jobId}/state} and {@code /status}) answered without the
 * {@code DispatcherServlet}: the same {@link JobQueryController} methods, the same error answers
 * ({@link QueryExceptionHandler}), the same JSON (the application's mapper), with a {@code
 * Content-Length}. Spring MVC's handler lookup, argument resolution, return-value handling and
 * content negotiation were about a fifth of a lookup's CPU in the S6 profile (issue 9, session 8)
 * for two fixed paths with three optional string parameters.
 *
 * <p>Only the plain request is taken; everything else goes down the chain to Spring MVC unchanged,
 * so its behaviour stays Spring's: any method but GET, a path with an escape ({@code %}), a path
 * parameter ({@code ;}) or an empty id, a repeated parameter, an {@code Origin} header (CORS is
 * Spring MVC's), an {@code Accept} that does not take {@code application/json}. Runs after the
 * {@code http.server.requests} observation (which it tells the path pattern, as Spring MVC does)
 * and after the gateway's REST edge under {@code up}, whose verified caller it passes on.
 */
public final class JobLookupFilter extends OncePerRequestFilter {
  /** The servlet URL pattern it is registered for. */
  public static final String URL_PATTERN = "/api/job/*";

  static final String PREFIX = "/api/job/";
  static final String STATE = "/state";
  static final String STATUS = "/status";
  static final String STATE_PATTERN = "/api/job/{jobId}/state";
  static final String STATUS_PATTERN = "/api/job/{jobId}/status";

  private static final List<String> PARAMETERS =
      List.of("minPosition", "allowStale", "withResponse");

  private final JobQueryController controller;
  private final QueryExceptionHandler errors;
  private final ObjectWriter json;

  /**
   * @param json the application's JSON writer (the one Spring MVC's converter uses), so the bytes
   *     are the same either way
   */
  public JobLookupFilter(
      JobQueryController controller, QueryExceptionHandler errors, ObjectWriter json) {
    this.controller = Objects.requireNonNull(controller, "controller");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI();
    boolean status = path.endsWith(STATUS);
    String jobId = plainLookup(request, path, status);
    if (jobId == null) {
      chain.doFilter(request, response);
      return;
    }
    ServerHttpObservationFilter.findObservationContext(request)
        .ifPresent(c -> c.setPathPattern(status ? STATUS_PATTERN : STATE_PATTERN));
    AuthenticatedUser verified =
        request.getAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE) instanceof AuthenticatedUser u
            ? u
            : null;
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    String minPosition = request.getParameter("minPosition");
    String allowStale = request.getParameter("allowStale");
    ResponseEntity<?> answer;
    try {
      answer =
          status
              ? controller.status(jobId, minPosition, allowStale, verified, authorization)
              : controller.state(
                  jobId,
                  minPosition,
                  allowStale,
                  request.getParameter("withResponse"),
                  verified,
                  authorization);
    } catch (RuntimeException e) {
      // The handler's one dispatch (Spring MVC's path too); without an answer there, a 500 as
      // there.
      answer = errors.answer(e).orElseThrow(() -> e);
    }
    write(answer, response);
  }

  /**
   * The job id of a request this filter answers, else null (Spring MVC answers it). The path is the
   * raw one: without {@code %} or {@code ;} it is also the decoded one Spring would match.
   */
  private static String plainLookup(HttpServletRequest request, String path, boolean status) {
    if (!plainRequest(request) || !path.startsWith(PREFIX) || !(status || path.endsWith(STATE))) {
      return null;
    }
    int end = path.length() - (status ? STATUS.length() : STATE.length());
    if (end <= PREFIX.length()) {
      return null;
    }
    for (int i = PREFIX.length(); i < end; i++) {
      char c = path.charAt(i);
      if (c == '/' || c == '%' || c == ';') {
        return null;
      }
    }
    Map<String, String[]> parameters = request.getParameterMap();
    for (String name : PARAMETERS) {
      String[] values = parameters.get(name);
      if (values != null && values.length > 1) {
        return null; // Spring joins them with commas: its answer, not a second rendition here
      }
    }
    return path.substring(PREFIX.length(), end);
  }

  /** A GET at the root context, not cross-origin (CORS is Spring MVC's), that takes JSON. */
  private static boolean plainRequest(HttpServletRequest request) {
    return "GET".equals(request.getMethod())
        && request.getContextPath().isEmpty()
        && request.getHeader(HttpHeaders.ORIGIN) == null
        && acceptsJson(request.getHeader(HttpHeaders.ACCEPT));
  }

  /** No {@code Accept}, or one that takes JSON by its type, a {@code *}, or its subtype. */
  static boolean acceptsJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    try {
      for (MediaType type : MediaType.parseMediaTypes(accept)) {
        if (type.getQualityValue() > 0 && type.includes(MediaType.APPLICATION_JSON)) {
          return true;
        }
      }
    } catch (IllegalArgumentException malformed) {
      return false; // Spring MVC's answer to it (a 400 or 406), not a guess here
    }
    return false;
  }

  private void write(ResponseEntity<?> answer, HttpServletResponse response) throws IOException {
    byte[] body = json.writeValueAsBytes(answer.getBody());
    response.setStatus(answer.getStatusCode().value());
    answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
