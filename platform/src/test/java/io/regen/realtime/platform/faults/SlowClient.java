package io.regen.realtime.platform.faults;

import io.regen.realtime.testsupport.RawWebSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client that reads its socket slowly or not at all: a plain-socket WebSocket with a 4 KB receive
 * window, so the gateway's writes really stall (see {@link RawWebSocket}). It reads one frame per
 * tick when told to ({@link #readEvery}), or nothing until {@link #drain()}. Once its connection is
 * closed it can {@link #resume} at full speed from the cursor of the last event it read; {@link
 * #shown} is what both connections showed, in order, for the {@link DeliveryOracle}.
 */
final class SlowClient implements Tab, AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The close code recorded when the connection ended without a close frame. */
  static final int NO_CLOSE_FRAME = -1;

  private final String user;
  private final String token;
  private final RawWebSocket socket;
  private final List<EventId> shown = new ArrayList<>();
  private final ScheduledExecutorService reader =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "slow-client");
            t.setDaemon(true);
            return t;
          });
  private volatile String cursor;
  private volatile Integer closeCode;
  private volatile long closedAtNanos;
  private volatile ResumingTab resumed;

  private SlowClient(String user, String token, RawWebSocket socket) {
    this.user = user;
    this.token = token;
    this.socket = socket;
  }

  /** Connects to the gateway on {@code port}, authenticates and reads the welcome. */
  static SlowClient connect(int port, String user, String token) throws IOException {
    RawWebSocket socket = RawWebSocket.connect("127.0.0.1", port, "/ws", 4096);
    try {
      socket.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
      JsonNode welcome = JSON.readTree(socket.read().text());
      if (!"welcome".equals(welcome.path("type").asString())) {
        throw new IllegalStateException("not welcomed: " + welcome);
      }
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return new SlowClient(user, token, socket);
  }

  /** Reads one frame per {@code pace} (answering pings) until the connection is closed. */
  void readEvery(Duration pace) {
    reader.scheduleAtFixedRate(this::readOne, 0, pace.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Reads everything the socket still holds, at full speed, until the connection ends. */
  void drain() {
    while (closeCode == null) {
      readOne();
    }
  }

  private synchronized void readOne() {
    if (closeCode != null) {
      return;
    }
    try {
      RawWebSocket.Frame frame = socket.read();
      switch (frame.opcode()) {
        case RawWebSocket.Frame.TEXT -> onText(JSON.readTree(frame.text()));
        case RawWebSocket.Frame.PING -> socket.sendFrame(true, 0xA, frame.payload());
        case RawWebSocket.Frame.CLOSE -> ended(frame.closeCode());
        default -> {
          // pongs and others: nothing to record
        }
      }
    } catch (SocketTimeoutException quiet) {
      // nothing to read for a while: still connected
    } catch (IOException e) {
      ended(NO_CLOSE_FRAME);
    }
  }

  private void onText(JsonNode frame) {
    if ("event".equals(frame.path("type").asString())) {
      JsonNode event = frame.path("event");
      synchronized (shown) {
        shown.add(new EventId(event.path("jobId").asString(), event.path("seq").asLong()));
      }
      cursor = frame.path("cursor").asString();
    }
  }

  private void ended(int code) {
    closedAtNanos = System.nanoTime();
    closeCode = code;
    reader.shutdown();
    socket.close();
  }

  /** The close code the gateway sent, {@link #NO_CLOSE_FRAME}, or null while connected. */
  Integer closeCode() {
    return closeCode;
  }

  /** {@link System#nanoTime()} when the connection ended. */
  long closedAtNanos() {
    return closedAtNanos;
  }

  /** Events read on the first connection. */
  int readBeforeClose() {
    synchronized (shown) {
      return shown.size();
    }
  }

  /** Connects again after the close, resuming from the last event read, and reads at full speed. */
  CompletableFuture<ResumingTab> resume(HttpClient http, int port) {
    return ResumingTab.openAt(http, port, user, token, cursor).thenApply(tab -> resumed = tab);
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public List<EventId> shown(String prefix) {
    List<EventId> all;
    synchronized (shown) {
      all = new ArrayList<>(shown.stream().filter(e -> e.jobId().startsWith(prefix)).toList());
    }
    ResumingTab next = resumed;
    if (next != null) {
      all.addAll(next.shown(prefix));
    }
    return all;
  }

  @Override
  public void close() {
    reader.shutdownNow();
    socket.close();
    ResumingTab next = resumed;
    if (next != null) {
      next.close();
    }
  }
}
