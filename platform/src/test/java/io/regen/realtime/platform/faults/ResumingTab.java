package io.regen.realtime.platform.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tab that survives its gateway: it keeps the cursor of the last event it was shown and, when
 * told to {@link #resume()}, connects again and authenticates with that cursor, as the browser
 * client does after a lost connection. Light enough for a thousand in one JVM: no thread of its
 * own, frames parsed on the shared {@link HttpClient}'s threads.
 */
public final class ResumingTab implements Tab, AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http;
  private final URI uri;
  private final String user;
  private final String token;
  private final List<EventId> shown = new ArrayList<>();
  private volatile String cursor;
  private volatile WebSocket socket;
  private volatile boolean connected;
  private volatile boolean resumed;
  private volatile long welcomedAtNanos;
  private volatile long receivingAtNanos;
  private volatile int connections;

  private ResumingTab(HttpClient http, int port, String user, String token) {
    this.http = http;
    this.uri = URI.create("ws://localhost:" + port + "/ws");
    this.user = user;
    this.token = token;
  }

  /** Connects to the gateway on {@code port} as {@code user}; completes once welcomed. */
  public static CompletableFuture<ResumingTab> open(
      HttpClient http, int port, String user, String token) {
    ResumingTab tab = new ResumingTab(http, port, user, token);
    return tab.connect().thenApply(welcomed -> tab);
  }

  /**
   * Connects as {@code user} resuming after {@code cursor} (the last event another connection of
   * this client was shown); completes once welcomed.
   */
  public static CompletableFuture<ResumingTab> openAt(
      HttpClient http, int port, String user, String token, String cursor) {
    ResumingTab tab = new ResumingTab(http, port, user, token);
    tab.cursor = cursor;
    return tab.connect().thenApply(welcomed -> tab);
  }

  /** Connects again with the cursor of the last event shown; completes once welcomed. */
  public CompletableFuture<Void> resume() {
    return connect();
  }

  private CompletableFuture<Void> connect() {
    CompletableFuture<Void> welcome = new CompletableFuture<>();
    String at = cursor;
    String auth =
        "{\"type\":\"auth\",\"token\":\""
            + token
            + "\""
            + (at == null ? "" : ",\"cursor\":\"" + at + "\"")
            + "}";
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, new Listener(welcome))
        .thenCompose(ws -> ws.sendText(auth, true))
        .whenComplete(
            (ws, error) -> {
              if (error != null) {
                welcome.completeExceptionally(error);
              }
            });
    return welcome;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public List<EventId> shown(String prefix) {
    synchronized (shown) {
      return shown.stream().filter(e -> e.jobId().startsWith(prefix)).toList();
    }
  }

  /** Whether the connection is up (welcomed and neither closed nor failed since). */
  public boolean connected() {
    return connected;
  }

  /** Whether the last welcome said {@code resumed: true}. */
  public boolean resumed() {
    return resumed;
  }

  /** {@link System#nanoTime()} of the last welcome. */
  public long welcomedAtNanos() {
    return welcomedAtNanos;
  }

  /** {@link System#nanoTime()} of the first event after the last welcome; 0 while none. */
  public long receivingAtNanos() {
    return receivingAtNanos;
  }

  /** Connections welcomed so far. */
  public int connections() {
    return connections;
  }

  @Override
  public void close() {
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final CompletableFuture<Void> welcome;
    private final StringBuilder partial = new StringBuilder();

    Listener(CompletableFuture<Void> welcome) {
      this.welcome = welcome;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        onFrame(JSON.readTree(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    private void onFrame(JsonNode frame) {
      switch (frame.path("type").asString()) {
        case "welcome" -> {
          resumed = frame.path("resumed").asBoolean();
          receivingAtNanos = 0;
          welcomedAtNanos = System.nanoTime();
          connections++;
          connected = true;
          welcome.complete(null);
        }
        case "event" -> {
          JsonNode event = frame.path("event");
          synchronized (shown) {
            shown.add(new EventId(event.path("jobId").asString(), event.path("seq").asLong()));
          }
          cursor = frame.path("cursor").asString();
          if (receivingAtNanos == 0) {
            receivingAtNanos = System.nanoTime();
          }
        }
        default -> {
          if (!welcome.isDone()) {
            welcome.completeExceptionally(new IllegalStateException("not welcomed: " + frame));
          }
        }
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      gone(new IllegalStateException("closed " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      gone(error);
    }

    private void gone(Throwable why) {
      connected = false;
      welcome.completeExceptionally(why);
    }
  }
}
