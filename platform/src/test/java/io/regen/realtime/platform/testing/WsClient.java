package io.regen.realtime.platform.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real WebSocket client over a socket that collects the server's JSON text frames. */
public final class WsClient implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final WebSocket socket;

  private WsClient(URI uri) {
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(uri, new Collector())
            .join();
  }

  public static WsClient connect(URI uri) {
    return new WsClient(uri);
  }

  public void send(String json) {
    socket.sendText(json, true).join();
  }

  /** The next frame matching {@code match} (others are dropped), within {@code timeout}. */
  public JsonNode next(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError("no matching frame within " + timeout);
      }
      if (match.test(frame)) {
        return frame;
      }
    }
  }

  /** Event frames of {@code jobId} until one whose event type is {@code lastType}. */
  public List<JsonNode> eventsUntil(String jobId, String lastType, Duration timeout)
      throws InterruptedException {
    List<JsonNode> events = new ArrayList<>();
    while (true) {
      JsonNode frame =
          next(
              f ->
                  "event".equals(f.path("type").asString())
                      && jobId.equals(f.path("event").path("jobId").asString()),
              timeout);
      events.add(frame);
      if (lastType.equals(frame.path("event").path("type").asString())) {
        return events;
      }
    }
  }

  @Override
  public void close() {
    socket.abort();
  }

  private final class Collector implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(JSON.readTree(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
