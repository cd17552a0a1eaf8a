package io.regen.realtime.registry.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.regen.realtime.registry.RegistryAccess;
import io.regen.realtime.registry.RegistryLimits;
import io.regen.realtime.registry.RegistryUsers;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The registry's HTTP edge on Jetty: decodes the path strictly, authenticates before reading
 * anything, refuses an oversized {@code Content-Length} before reading the body, reads bodies
 * without holding a thread and within a deadline, then answers on a bounded worker pool (503 when
 * its queue is full). Every refusal is Confluent's {@code {"error_code", "message"}} shape.
 */
public final class RegistryJettyHandler extends Handler.Abstract.NonBlocking {
  private static final Logger log = LoggerFactory.getLogger(RegistryJettyHandler.class);
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String REALM = "Basic realm=\"SchemaRegistry\"";
  // Micrometer's global registry: the application's (up) or the role's metrics endpoint.
  private static final Counter OK = responses("success");
  private static final Counter CLIENT_ERRORS = responses("client_error");
  private static final Counter SERVER_ERRORS = responses("server_error");

  private final RegistryApi api;
  private final RegistryUsers users;
  private final RegistryLimits limits;
  private final ExecutorService workers;
  private final Semaphore uploads;

  public RegistryJettyHandler(
      RegistryApi api, RegistryUsers users, RegistryLimits limits, ExecutorService workers) {
    this.api = api;
    this.users = users;
    this.limits = limits;
    this.workers = workers;
    this.uploads = new Semaphore(limits.maxConcurrentUploads());
  }

  private static Counter responses(String outcome) {
    return Counter.builder("schema.registry.responses")
        .tag("outcome", outcome)
        .description("Responses of the schema registry by outcome (server_error: 5xx)")
        .register(Metrics.globalRegistry);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(response, callback);
    String method = request.getMethod();
    List<String> path;
    Map<String, String> query;
    try {
      path = segments(request.getHttpURI().getPath());
      query = query(request.getHttpURI().getQuery());
      authorize(request, method, path);
    } catch (RegistryError e) {
      // A refused write is answered before its body is read: Jetty then closes the connection,
      // and a client that was not told so reuses it for its next request and reads nothing back.
      exchange.fail(e, RegistryApi.expectsBody(method));
      return true;
    }
    if (!RegistryApi.expectsBody(method)) {
      dispatch(exchange, new RegistryApi.Call(method, path, query, new byte[0]));
      return true;
    }
    long length = request.getLength();
    if (length > limits.maxBodyBytes()) {
      exchange.fail(tooLarge(), true);
      return true;
    }
    if (!uploads.tryAcquire()) {
      exchange.fail(overloaded("too many uploads in progress"), true);
      return true;
    }
    new BodyReader(request, exchange, body -> new RegistryApi.Call(method, path, query, body))
        .start();
    return true;
  }

  private void authorize(Request request, String method, List<String> path) {
    if (!users.enabled()) {
      return;
    }
    Optional<RegistryAccess> access =
        users.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (access.isEmpty()) {
      throw new RegistryError(401, RegistryError.UNAUTHORIZED, "Unauthorized");
    }
    RegistryAccess required = RegistryApi.requiredAccess(method, path);
    if (!access.get().allows(required)) {
      String resource = path.size() >= 2 ? path.get(0) + ": " + path.get(1) : "the registry";
      throw new RegistryError(
          403,
          RegistryError.FORBIDDEN,
          "User is denied operation " + required.operation() + " on " + resource);
    }
  }

  private void dispatch(Exchange exchange, RegistryApi.Call call) {
    try {
      workers.execute(() -> answer(exchange, call));
    } catch (RejectedExecutionException e) {
      exchange.fail(overloaded("request queue full"), false);
    }
  }

  private void answer(Exchange exchange, RegistryApi.Call call) {
    try {
      exchange.respond(200, api.handle(call), false);
    } catch (RegistryError e) {
      if (e.status() >= 500) {
        log.warn(
            "{} /{} failed: {}",
            call.method(),
            String.join("/", call.path()),
            e.getMessage(),
            e.getCause());
      }
      exchange.fail(e, false);
    } catch (RuntimeException e) {
      log.error("{} /{} failed", call.method(), String.join("/", call.path()), e);
      exchange.fail(new RegistryError(500, 50001, "Error in the backend data store: " + e), false);
    }
  }

  private RegistryError tooLarge() {
    return new RegistryError(
        413, 413, "Request body larger than " + limits.maxBodyBytes() + " bytes");
  }

  private static RegistryError overloaded(String why) {
    return new RegistryError(503, RegistryError.OVERLOADED, "Registry overloaded (" + why + ")");
  }

  /** One request's single answer: whichever of reader, deadline or worker answers first wins. */
  private static final class Exchange {
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean answered = new AtomicBoolean();

    Exchange(Response response, Callback callback) {
      this.response = response;
      this.callback = callback;
    }

    boolean isAnswered() {
      return answered.get();
    }

    void fail(RegistryError e, boolean closeConnection) {
      respond(e.status(), RegistryApi.error(e.errorCode(), e.getMessage()), closeConnection);
    }

    void respond(int status, JsonNode body, boolean closeConnection) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      (status >= 500 ? SERVER_ERRORS : status >= 400 ? CLIENT_ERRORS : OK).increment();
      byte[] bytes = RegistryApi.JSON.writeValueAsBytes(body);
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
      if (status == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM);
      }
      if (closeConnection) {
        // The rest of the body is never read: the connection cannot carry another request.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      response.write(true, ByteBuffer.wrap(bytes), callback);
    }
  }

  /**
   * Reads a body chunk by chunk as it arrives (demand-driven, no thread waits for a slow client),
   * up to the size cap and within the body deadline.
   */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Exchange exchange;
    private final java.util.function.Function<byte[], RegistryApi.Call> toCall;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final AtomicBoolean done = new AtomicBoolean();

    BodyReader(
        Request request,
        Exchange exchange,
        java.util.function.Function<byte[], RegistryApi.Call> toCall) {
      this.request = request;
      this.exchange = exchange;
      this.toCall = toCall;
    }

    void start() {
      request
          .getComponents()
          .getScheduler()
          .schedule(this::expire, limits.bodyDeadline().toMillis(), TimeUnit.MILLISECONDS);
      run();
    }

    private void expire() {
      if (finish()) {
        exchange.fail(
            new RegistryError(
                408,
                408,
                "Request body not received within " + limits.bodyDeadline().toSeconds() + " s"),
            true);
      }
    }

    /** True for the one caller that ends the read (and frees the upload slot). */
    private boolean finish() {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      uploads.release();
      return true;
    }

    @Override
    public void run() {
      while (!done.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          if (finish()) {
            exchange.fail(new RegistryError(400, 400, "Request body could not be read"), true);
          }
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int size = bytes.remaining();
        if (body.size() + size > limits.maxBodyBytes()) {
          chunk.release();
          if (finish()) {
            exchange.fail(tooLarge(), true);
          }
          return;
        }
        byte[] copy = new byte[size];
        bytes.get(copy);
        body.write(copy, 0, size);
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          if (finish()) {
            dispatch(exchange, toCall.apply(body.toByteArray()));
          }
          return;
        }
      }
    }
  }

  /** Percent-decoded path segments; a malformed escape is the client's error (400), not ours. */
  static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    if (rawPath == null) {
      return segments;
    }
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        // Subjects are percent-encoded path segments; '+' is literal in a path.
        segments.add(decode(segment.replace("+", "%2B"), "path"));
      }
    }
    return segments;
  }

  static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(decode(key, "query"), decode(value, "query"));
    }
    return params;
  }

  private static String decode(String text, String where) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RegistryError(400, 400, "Malformed percent-encoding in the " + where);
    }
  }
}
