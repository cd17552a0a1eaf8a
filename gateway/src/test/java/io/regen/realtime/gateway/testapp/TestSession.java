package io.regen.realtime.gateway.testapp;

import io.regen.realtime.gateway.delivery.ClientSession;
import io.regen.realtime.gateway.protocol.CloseCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ClientSession} for delivery tests: a bounded buffer like the socket layer's. When
 * draining (a fast client) offered frames go straight to {@link #received()}; when not draining (a
 * slow client) they pile up in the buffer until it is full and {@code offer} returns false.
 */
public class TestSession implements ClientSession {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final AtomicInteger IDS = new AtomicInteger();

  private final String id = "s" + IDS.incrementAndGet();
  private final String userId;
  private final ArrayBlockingQueue<String> buffer;
  private final List<String> received = new ArrayList<>();
  private volatile boolean draining = true;
  private volatile boolean open = true;
  private volatile int closeCode;
  private final AtomicInteger maxPending = new AtomicInteger();

  public TestSession(String userId, int capacity) {
    this.userId = userId;
    this.buffer = new ArrayBlockingQueue<>(capacity);
  }

  public TestSession(String userId) {
    this(userId, 1024);
  }

  @Override
  public String sessionId() {
    return id;
  }

  @Override
  public String userId() {
    return userId;
  }

  @Override
  public synchronized boolean offer(String frame) {
    if (!open) {
      return false;
    }
    if (draining && buffer.isEmpty()) {
      received.add(frame);
      return true;
    }
    boolean ok = buffer.offer(frame);
    maxPending.accumulateAndGet(buffer.size(), Math::max);
    return ok;
  }

  @Override
  public int pendingFrames() {
    return buffer.size();
  }

  @Override
  public synchronized void close(CloseCode code, String reason) {
    if (open) {
      open = false;
      closeCode = code.code();
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Stops reading: frames pile up in the bounded buffer. */
  public void stopDraining() {
    draining = false;
  }

  /** Reads again: moves what is buffered to received. */
  public synchronized void drain() {
    draining = true;
    buffer.drainTo(received);
  }

  /** Drains up to n buffered frames (a client reading slowly). */
  public synchronized void drainSome(int n) {
    buffer.drainTo(received, n);
  }

  /** Simulates the socket dropping. */
  public synchronized void drop() {
    open = false;
  }

  public int closeCode() {
    return closeCode;
  }

  public int maxPending() {
    return maxPending.get();
  }

  public synchronized List<String> received() {
    return List.copyOf(received);
  }

  public synchronized int receivedCount() {
    return received.size();
  }

  /** The events received, parsed. */
  public List<JsonNode> events() {
    List<JsonNode> out = new ArrayList<>();
    for (String f : received()) {
      out.add(JSON.readTree(f));
    }
    return out;
  }

  /** The {@code event.jobId + ":" + event.seq} of every received frame, in order. */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    for (JsonNode n : events()) {
      JsonNode e = n.get("event");
      if (e == null) {
        continue; // replay_end and other non-event frames
      }
      out.add(e.get("jobId").asString() + ":" + e.get("seq").asLong());
    }
    return out;
  }

  /** The cursor of the last frame received, or null. */
  public String lastCursor() {
    List<String> r = received();
    if (r.isEmpty()) {
      return null;
    }
    return JSON.readTree(r.get(r.size() - 1)).get("cursor").asString();
  }
}
