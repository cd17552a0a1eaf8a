package io.regen.realtime.platform.faults;

import io.regen.realtime.platform.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * One browser tab of a user: a WebSocket session to a gateway, authenticated and welcomed, that
 * records every (jobId, seq) it is shown, in order, on a reader thread of its own.
 */
public final class WebSocketTab implements Tab, AutoCloseable {
  private final String user;
  private final WsClient ws;
  private final List<EventId> shown = new CopyOnWriteArrayList<>();
  private volatile boolean open = true;

  private WebSocketTab(String user, WsClient ws) {
    this.user = user;
    this.ws = ws;
  }

  /**
   * Connects to {@code ws://localhost:<httpPort>/ws} and authenticates with {@code token}.
   *
   * @throws IllegalStateException when the gateway does not answer the auth with {@code welcome}
   *     within 30 s (its answer, e.g. an {@code unavailable} error frame, is in the message)
   */
  public static WebSocketTab open(int httpPort, String user, String token) {
    WsClient ws = WsClient.connect(URI.create("ws://localhost:" + httpPort + "/ws"));
    try {
      ws.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
      JsonNode answer = ws.next(f -> f.has("type"), Duration.ofSeconds(30));
      if (!"welcome".equals(answer.path("type").asString())) {
        throw new IllegalStateException("not welcomed: " + answer);
      }
    } catch (AssertionError | InterruptedException | RuntimeException e) {
      ws.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IllegalStateException ise
          ? ise
          : new IllegalStateException("no answer to auth", e);
    }
    WebSocketTab tab = new WebSocketTab(user, ws);
    Thread reader = new Thread(tab::read, "tab-" + user);
    reader.setDaemon(true);
    reader.start();
    return tab;
  }

  private void read() {
    while (open) {
      try {
        JsonNode f = ws.next(x -> "event".equals(x.path("type").asString()), Duration.ofSeconds(1));
        shown.add(
            new EventId(
                f.path("event").path("jobId").asString(), f.path("event").path("seq").asLong()));
      } catch (AssertionError quietSecond) {
        // no event this second; keep reading
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public List<EventId> shown(String prefix) {
    return shown.stream().filter(e -> e.jobId().startsWith(prefix)).toList();
  }

  @Override
  public void close() {
    open = false;
    ws.close();
  }
}
