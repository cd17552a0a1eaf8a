package io.regen.realtime.query.runtime;

import io.regen.realtime.query.internal.ServiceCredential;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Separates the two listeners: {@code /internal/*} exists only on the {@link InternalListener} (404
 * on the public port) and needs the {@link ServiceCredential} there (401 otherwise — an end-user's
 * bearer token never counts); the internal listener serves nothing else (404).
 */
public final class InternalQueryGuard extends OncePerRequestFilter {
  static final String INTERNAL_PREFIX = "/internal/";

  // Compiled once: this filter runs on every request of both listeners.
  private static final Pattern PATH_PARAMETERS = Pattern.compile(";[^/]*");
  private static final Pattern REPEATED_SLASHES = Pattern.compile("/{2,}");

  private final InternalListener listener;
  private final ServiceCredential credential;

  public InternalQueryGuard(InternalListener listener, ServiceCredential credential) {
    this.listener = listener;
    this.credential = credential;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean onInternalListener = request.getLocalPort() == listener.port();
    boolean internalPath = isInternal(request);
    if (internalPath != onInternalListener) {
      write(response, HttpServletResponse.SC_NOT_FOUND, "not_found", "No such endpoint");
      return;
    }
    if (internalPath && !credential.matches(request.getHeader(ServiceCredential.HEADER))) {
      write(
          response,
          HttpServletResponse.SC_UNAUTHORIZED,
          "unauthorized",
          "The internal query API needs the service credential of the query instances");
      return;
    }
    chain.doFilter(request, response);
  }

  /** On the decoded, normalized path (so {@code /%69nternal/} or {@code //internal/} count too). */
  static boolean isInternal(HttpServletRequest request) {
    String path =
        request.getPathInfo() == null
            ? request.getServletPath()
            : request.getServletPath() + request.getPathInfo();
    // Most paths have neither a path parameter nor a repeated slash: no matcher for those.
    String normalized =
        path.indexOf(';') < 0 && !path.contains("//")
            ? path
            : REPEATED_SLASHES
                .matcher(PATH_PARAMETERS.matcher(path).replaceAll(""))
                .replaceAll("/");
    return normalized.startsWith(INTERNAL_PREFIX) || normalized.equals("/internal");
  }

  private static void write(HttpServletResponse response, int status, String code, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    // code and message are constants of this class: no escaping needed
    response
        .getOutputStream()
        .write(
            ("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8));
  }
}
