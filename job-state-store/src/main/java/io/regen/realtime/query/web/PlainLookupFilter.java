package io.regen.realtime.query.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.databind.ObjectWriter;

/**
 * A lookup answered in front of Spring MVC, the same as Spring MVC answers it: the controller's own
 * method, the same error answers ({@link QueryExceptionHandler#answer}), the same JSON (the
 * application's writer), with a {@code Content-Length}. Spring MVC's handler lookup, argument
 * resolution, return-value handling and content negotiation were about a fifth of a lookup's CPU
 * (docs/performance.md, session 8) for a few fixed paths with a few string parameters.
 *
 * <p>Only a plain request is taken; everything else goes down the chain to Spring MVC, so its
 * behaviour stays Spring's: any method but GET, a context path, an {@code Origin} header (CORS is
 * Spring MVC's), more than one {@code Authorization} header, an {@code Accept} that does not take
 * {@code application/json}, and whatever {@link #lookupOf} leaves (it takes only parameters whose
 * binding it reproduces exactly). Runs after the {@code http.server.requests} observation, which it
 * tells the path pattern, as Spring MVC does.
 */
abstract class PlainLookupFilter extends OncePerRequestFilter {
  /**
   * A request this filter answers.
   *
   * @param pathPattern the handler's mapping, for the observation (as Spring MVC reports it)
   * @param answer the controller's answer; an exception it throws is answered as Spring MVC's
   *     exception handler answers it
   */
  protected record Lookup(String pathPattern, Supplier<ResponseEntity<?>> answer) {}

  private final QueryExceptionHandler errors;
  private final ObjectWriter json;

  /**
   * @param json the application's JSON writer (the one Spring MVC's converter uses), so the bytes
   *     are the same either way
   */
  PlainLookupFilter(QueryExceptionHandler errors, ObjectWriter json) {
    this.errors = Objects.requireNonNull(errors, "errors");
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * The lookup of a plain request, or null when Spring MVC should answer it. The path is the raw
   * one ({@link HttpServletRequest#getRequestURI}).
   */
  protected abstract Lookup lookupOf(HttpServletRequest request, String path);

  @Override
  protected final void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Lookup lookup = plainRequest(request) ? lookupOf(request, request.getRequestURI()) : null;
    if (lookup == null) {
      chain.doFilter(request, response);
      return;
    }
    ServerHttpObservationFilter.findObservationContext(request)
        .ifPresent(c -> c.setPathPattern(lookup.pathPattern()));
    ResponseEntity<?> answer;
    try {
      answer = lookup.answer().get();
    } catch (RuntimeException e) {
      // The handler's one dispatch (Spring MVC's path too); without an answer there, a 500 as
      // there.
      answer = errors.answer(e).orElseThrow(() -> e);
    }
    write(answer, response);
  }

  /**
   * True when none of the named parameters is given more than once (Spring joins repeated values
   * with commas: its answer, not a second rendition here).
   */
  static boolean singleValued(HttpServletRequest request, List<String> names) {
    Map<String, String[]> parameters = request.getParameterMap();
    for (String name : names) {
      String[] values = parameters.get(name);
      if (values != null && values.length > 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code path[from, to)} is one plain path segment: not empty, without {@code /}, an
   * escape ({@code %}) or a path parameter ({@code ;}), so the raw path is also the decoded one
   * Spring would match.
   */
  static boolean plainSegment(String path, int from, int to) {
    if (to <= from) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = path.charAt(i);
      if (c == '/' || c == '%' || c == ';') {
        return false;
      }
    }
    return true;
  }

  /**
   * A GET at the root context, not cross-origin (CORS is Spring MVC's), with at most one {@code
   * Authorization} (Spring binds several as one joined value), that takes JSON.
   */
  private static boolean plainRequest(HttpServletRequest request) {
    return "GET".equals(request.getMethod())
        && request.getContextPath().isEmpty()
        && request.getHeader(HttpHeaders.ORIGIN) == null
        && atMostOne(request.getHeaders(HttpHeaders.AUTHORIZATION))
        && acceptsJson(request.getHeader(HttpHeaders.ACCEPT));
  }

  private static boolean atMostOne(Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return true;
    }
    values.nextElement();
    return !values.hasMoreElements();
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
