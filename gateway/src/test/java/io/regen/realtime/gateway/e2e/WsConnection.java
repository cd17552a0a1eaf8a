package io.regen.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One browser tab as the end-to-end tests see it: a real WebSocket over a socket (the JDK client)
 * that authenticates as soon as it is open (optionally with a cursor), records every {@code event}
 * frame it receives in order with its cursor, keeps the other frames apart, and notes when the
 * first frames arrived (for reconnect timings).
 */
final class WsConnection implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One received {@code event} frame. */
  /**
   * One received {@code event} frame; {@code latencyMillis} is the arrival time minus the event's
   * {@code occurredAt} (one machine, one clock).
   */
  record Event(String cursor, String eventId, String jobId, long seq, long latencyMillis) {}

  final String userId;
  private final String authFrame;
  private final List<Event> events = new ArrayList<>();
  private final BlockingQueue<JsonNode> others = new LinkedBlockingQueue<>();
  private final CompletableFuture<JsonNode> welcome = new CompletableFuture<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private volatile long firstFrameNanos;
  private volatile long firstEventNanos;
  private volatile String lastCursor;
  private volatile WebSocket socket;

  private WsConnection(String userId, String token, String cursor) {
    this.userId = userId;
    this.lastCursor = cursor;
    this.authFrame =
        cursor == null
            ? "{\"type\":\"auth\",\"token\":\"" + token + "\"}"
            : "{\"type\":\"auth\",\"token\":\"" + token + "\",\"cursor\":\"" + cursor + "\"}";
  }

  /**
   * Opens a connection and sends {@code auth} right away; the returned connection's {@link
   * #welcome()} completes with the server's reply to it.
   */
  static CompletableFuture<WsConnection> open(
      HttpClient http, URI uri, String userId, String token, String cursor) {
    WsConnection c = new WsConnection(userId, token, cursor);
    return http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, c.new Listener())
        .thenApply(
            ws -> {
              c.socket = ws;
              return c;
            });
  }

  /** Opens, authenticates and waits for the welcome (fails if the first reply is not one). */
  static WsConnection connect(
      HttpClient http, URI uri, String userId, String token, String cursor) {
    WsConnection c = open(http, uri, userId, token, cursor).orTimeout(15, TimeUnit.SECONDS).join();
    JsonNode w = c.welcome().orTimeout(15, TimeUnit.SECONDS).join();
    if (!"welcome".equals(w.path("type").asString())) {
      throw new AssertionError("expected welcome, got " + w);
    }
    return c;
  }

  /** Completes with the first non-event frame (the welcome, or the error refusing auth). */
  CompletableFuture<JsonNode> welcome() {
    return welcome;
  }

  CompletableFuture<Integer> closed() {
    return closed;
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** A copy of the events received so far, in arrival order. */
  List<Event> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  int eventCount() {
    synchronized (events) {
      return events.size();
    }
  }

  List<String> eventIds() {
    return events().stream().map(Event::eventId).toList();
  }

  /** The cursor of the last event received (or the one connected with). */
  String lastCursor() {
    return lastCursor;
  }

  /** Frames other than the welcome and events, in arrival order. */
  BlockingQueue<JsonNode> others() {
    return others;
  }

  /** The next frame other than the welcome and events; fails when none comes within 15 s. */
  JsonNode nextOther() {
    try {
      JsonNode f = others.poll(15, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError(userId + ": no frame within 15 s");
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Milliseconds from the start of {@link #open} to the first frame of any kind; -1 if none. */
  double millisToFirstFrame() {
    long t = firstFrameNanos;
    return t == 0 ? -1 : (t - startNanos) / 1e6;
  }

  /** Milliseconds from the start of {@link #open} to the first event frame; -1 if none. */
  double millisToFirstEvent() {
    long t = firstEventNanos;
    return t == 0 ? -1 : (t - startNanos) / 1e6;
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  @Override
  public void close() {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }

  /** Drops the connection without a closing handshake (a network loss as the server sees it). */
  void abort() {
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
  }

  private void onFrame(String text) {
    long now = System.nanoTime();
    if (firstFrameNanos == 0) {
      firstFrameNanos = now;
    }
    JsonNode frame = JSON.readTree(text);
    String type = frame.path("type").asString();
    if ("event".equals(type) && !frame.has("replay")) {
      JsonNode e = frame.path("event");
      Event event =
          new Event(
              frame.path("cursor").asString(),
              e.path("eventId").asString(),
              e.path("jobId").asString(),
              e.path("seq").asLong(),
              System.currentTimeMillis()
                  - Instant.parse(e.path("occurredAt").asString()).toEpochMilli());
      if (firstEventNanos == 0) {
        firstEventNanos = now;
      }
      synchronized (events) {
        events.add(event);
      }
      lastCursor = event.cursor();
    } else if (!welcome.isDone()) {
      welcome.complete(frame);
    } else {
      others.add(frame);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.sendText(authFrame, true);
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          onFrame(text);
        } catch (RuntimeException e) {
          others.add(JSON.createObjectNode().put("type", "unparseable").put("text", text));
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      welcome.completeExceptionally(new IllegalStateException("closed " + statusCode));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
      welcome.completeExceptionally(error);
    }
  }
}
