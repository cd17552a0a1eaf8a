package io.regen.realtime.query.web;

import io.regen.realtime.auth.AuthenticatedUser;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.ObjectWriter;

/**
 * The job lookups ({@code GET /api/job/{jobId}/state} and {@code /status}) answered without the
 * {@code DispatcherServlet} ({@link PlainLookupFilter}) by the same {@link JobQueryController}
 * methods. Besides what every plain lookup needs, a path with an empty id and a repeated {@code
 * minPosition}, {@code allowStale} or {@code withResponse} go to Spring MVC. Runs after the
 * gateway's REST edge under {@code up}, whose verified caller it passes on.
 */
public final class JobLookupFilter extends PlainLookupFilter {
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

  /**
   * @param json the application's JSON writer (the one Spring MVC's converter uses), so the bytes
   *     are the same either way
   */
  public JobLookupFilter(
      JobQueryController controller, QueryExceptionHandler errors, ObjectWriter json) {
    super(errors, json);
    this.controller = Objects.requireNonNull(controller, "controller");
  }

  @Override
  protected Lookup lookupOf(HttpServletRequest request, String path) {
    boolean status = path.endsWith(STATUS);
    if (!path.startsWith(PREFIX) || !(status || path.endsWith(STATE))) {
      return null;
    }
    int end = path.length() - (status ? STATUS.length() : STATE.length());
    if (!plainSegment(path, PREFIX.length(), end) || !singleValued(request, PARAMETERS)) {
      return null;
    }
    String jobId = path.substring(PREFIX.length(), end);
    AuthenticatedUser verified =
        request.getAttribute(AuthenticatedUser.REQUEST_ATTRIBUTE) instanceof AuthenticatedUser u
            ? u
            : null;
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    String minPosition = request.getParameter("minPosition");
    String allowStale = request.getParameter("allowStale");
    if (status) {
      return new Lookup(
          STATUS_PATTERN,
          () -> controller.status(jobId, minPosition, allowStale, verified, authorization));
    }
    String withResponse = request.getParameter("withResponse");
    return new Lookup(
        STATE_PATTERN,
        () ->
            controller.state(
                jobId, minPosition, allowStale, withResponse, verified, authorization));
  }
}
