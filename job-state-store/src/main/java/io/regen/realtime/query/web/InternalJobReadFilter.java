package io.regen.realtime.query.web;

import io.regen.realtime.query.internal.HttpRemoteStoreClient;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.ObjectWriter;

/**
 * The owner's side of a forwarded job read ({@code GET /internal/query/job} on the internal
 * listener) answered without the {@code DispatcherServlet} ({@link PlainLookupFilter}) by the same
 * {@link InternalQueryController#job} method. Every forwarded lookup crosses it, and Spring MVC was
 * the largest part of the owner's CPU per forwarded lookup after the token cache
 * (docs/performance.md, session 12).
 *
 * <p>It takes only the parameters as {@link HttpRemoteStoreClient} sends them, whose binding it
 * reproduces exactly: a non-empty {@code jobId}, a {@code partition} of decimal digits that fits an
 * {@code int}, {@code stale} and {@code withResponse} absent or {@code true}/{@code false}, any
 * {@code minPosition} (the controller parses it), none of them repeated. Anything else (Spring's
 * conversions accept more spellings and answer a missing or malformed one with a 400) goes to
 * Spring MVC. Runs after {@code InternalQueryGuard}, which keeps the path to the internal listener
 * and checks the service credential.
 */
public final class InternalJobReadFilter extends PlainLookupFilter {
  /** The servlet URL pattern it is registered for: the one path. */
  public static final String URL_PATTERN = HttpRemoteStoreClient.JOB_PATH;

  private static final List<String> PARAMETERS =
      List.of("jobId", "partition", "stale", "minPosition", HttpRemoteStoreClient.WITH_RESPONSE);

  /** Digits of the largest partition number taken here (fits an int whatever the digits). */
  private static final int MAX_PARTITION_DIGITS = 9;

  private final InternalQueryController controller;

  /**
   * @param json the application's JSON writer (the one Spring MVC's converter uses), so the bytes
   *     are the same either way
   */
  public InternalJobReadFilter(
      InternalQueryController controller, QueryExceptionHandler errors, ObjectWriter json) {
    super(errors, json);
    this.controller = Objects.requireNonNull(controller, "controller");
  }

  @Override
  protected Lookup lookupOf(HttpServletRequest request, String path) {
    if (!URL_PATTERN.equals(path) || !singleValued(request, PARAMETERS)) {
      return null;
    }
    String jobId = request.getParameter("jobId");
    String partition = request.getParameter("partition");
    Boolean stale = flag(request.getParameter("stale"), false);
    Boolean withResponse = flag(request.getParameter(HttpRemoteStoreClient.WITH_RESPONSE), true);
    if (jobId == null
        || jobId.isEmpty()
        || !decimal(partition)
        || stale == null
        || withResponse == null) {
      return null;
    }
    int partitionNumber = Integer.parseInt(partition);
    String minPosition = request.getParameter("minPosition");
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    return new Lookup(
        URL_PATTERN,
        () ->
            ResponseEntity.ok(
                controller.job(
                    jobId, partitionNumber, stale, minPosition, withResponse, authorization)));
  }

  /** An absent flag is its default; {@code true} or {@code false} as given; else null. */
  private static Boolean flag(String value, boolean absent) {
    if (value == null) {
      return absent;
    }
    return switch (value) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> null;
    };
  }

  private static boolean decimal(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_PARTITION_DIGITS) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
