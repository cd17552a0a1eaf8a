package io.regen.realtime.gateway.ws;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections of this node, with counts per user and per client address for the connection
 * limits. Thread-safe.
 */
public final class SessionRegistry {
  private final ConcurrentHashMap<String, WebSocketClientSession> sessions =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private volatile boolean draining;

  /**
   * Registers a new connection; false if its address now holds more than {@code maxPerAddress} (the
   * caller closes it; {@link #remove} undoes the count either way).
   */
  public boolean add(WebSocketClientSession session, int maxPerAddress) {
    sessions.put(session.sessionId(), session);
    return increment(perAddress, session.remoteAddress(), maxPerAddress);
  }

  /**
   * Counts an authenticated connection of {@code userId}; false if the user now has more than
   * {@code maxPerUser} (counted either way; undone by {@link #remove} with the user id).
   */
  public boolean addUser(String userId, int maxPerUser) {
    return increment(perUser, userId, maxPerUser);
  }

  /** Forgets a connection (and its user count if {@code userId} is not null). */
  public void remove(WebSocketClientSession session, String userId) {
    if (sessions.remove(session.sessionId()) == null) {
      return;
    }
    decrement(perAddress, session.remoteAddress());
    if (userId != null) {
      decrement(perUser, userId);
    }
  }

  public int connectionsFrom(String address) {
    AtomicInteger n = perAddress.get(address);
    return n == null ? 0 : n.get();
  }

  public int connectionsOf(String userId) {
    AtomicInteger n = perUser.get(userId);
    return n == null ? 0 : n.get();
  }

  /**
   * From now on this node takes no new connection (its handshakes are refused with 503): the
   * clients it closes with {@code RECONNECT_NOW} must reach another gateway, not this one again.
   */
  public void startDraining() {
    draining = true;
  }

  /** Whether {@link #startDraining()} was called (the node is stopping). */
  public boolean draining() {
    return draining;
  }

  public int size() {
    return sessions.size();
  }

  /**
   * Frames waiting in every session's outbound buffer: what slow and stuck clients cost in memory
   * (each buffer bounded by {@code outbound-queue-frames}), back to zero once they are gone.
   */
  public long queuedFrames() {
    long frames = 0;
    for (WebSocketClientSession session : sessions.values()) {
      frames += session.pendingFrames();
    }
    return frames;
  }

  public Collection<WebSocketClientSession> all() {
    return sessions.values();
  }

  /** Counts one more; true while the count is within {@code max} (it is counted either way). */
  private static boolean increment(
      ConcurrentHashMap<String, AtomicInteger> counts, String key, int max) {
    int[] now = new int[1];
    counts.compute(
        key,
        (k, n) -> {
          AtomicInteger c = n == null ? new AtomicInteger() : n;
          now[0] = c.incrementAndGet();
          return c;
        });
    return now[0] <= max;
  }

  private static void decrement(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
