package io.regen.realtime.gateway.presence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Presence of a single gateway node, held in this JVM (used when {@code REDIS_URL} is unset).
 * Thread-safe: one lock guards all state, and every operation is short, so callers never wait for
 * I/O; it never throws {@link PresenceUnavailableException}. Expiry is evaluated against the
 * injected {@link Clock}; expired sessions are dropped lazily by reads and heartbeats.
 */
public final class InMemoryPresenceRegistry implements PresenceRegistry {
  private record SessionKey(String sessionId, String node) {}

  private final Duration ttl;
  private final Clock clock;
  private final Object lock = new Object();
  // userId -> session -> instant of its last refresh (connect or heartbeat)
  private final Map<String, Map<SessionKey, Instant>> sessionsByUser = new HashMap<>();
  // node -> sessionId -> userId, so a heartbeat touches only its own sessions
  private final Map<String, Map<String, String>> sessionsByNode = new HashMap<>();
  private final Map<String, Instant> lastSeen = new HashMap<>();

  public InMemoryPresenceRegistry(Duration ttl) {
    this(ttl, Clock.systemUTC());
  }

  public InMemoryPresenceRegistry(Duration ttl, Clock clock) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("presence ttl must be positive, got " + ttl);
    }
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void connected(String userId, String sessionId, String node) {
    Instant now = clock.instant();
    synchronized (lock) {
      sessionsByUser
          .computeIfAbsent(userId, u -> new HashMap<>())
          .put(new SessionKey(sessionId, node), now);
      sessionsByNode.computeIfAbsent(node, n -> new HashMap<>()).put(sessionId, userId);
      lastSeen.put(userId, now);
    }
  }

  @Override
  public void disconnected(String userId, String sessionId, String node) {
    Instant now = clock.instant();
    synchronized (lock) {
      Map<SessionKey, Instant> sessions = sessionsByUser.get(userId);
      if (sessions == null || sessions.remove(new SessionKey(sessionId, node)) == null) {
        return;
      }
      if (sessions.isEmpty()) {
        sessionsByUser.remove(userId);
      }
      Map<String, String> onNode = sessionsByNode.get(node);
      if (onNode != null) {
        onNode.remove(sessionId, userId);
        if (onNode.isEmpty()) {
          sessionsByNode.remove(node);
        }
      }
      lastSeen.put(userId, now);
    }
  }

  @Override
  public int heartbeat(String node) {
    Instant now = clock.instant();
    int refreshed = 0;
    synchronized (lock) {
      Map<String, String> onNode = sessionsByNode.get(node);
      if (onNode == null) {
        return 0;
      }
      for (Iterator<Map.Entry<String, String>> it = onNode.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, String> entry = it.next();
        String userId = entry.getValue();
        Map<SessionKey, Instant> sessions = sessionsByUser.get(userId);
        SessionKey key = new SessionKey(entry.getKey(), node);
        Instant refreshedAt = sessions == null ? null : sessions.get(key);
        if (refreshedAt == null || !alive(refreshedAt, now)) {
          // Expired sessions stay dead: a node that comes back re-registers its sessions.
          it.remove();
          removeSession(userId, sessions, key);
          continue;
        }
        sessions.put(key, now);
        lastSeen.put(userId, now);
        refreshed++;
      }
      if (onNode.isEmpty()) {
        sessionsByNode.remove(node);
      }
    }
    return refreshed;
  }

  @Override
  public Presence presence(String userId) {
    Instant now = clock.instant();
    synchronized (lock) {
      Map<SessionKey, Instant> sessions = sessionsByUser.get(userId);
      if (sessions == null) {
        return Presence.offline(userId, lastSeen.get(userId));
      }
      TreeSet<String> nodes = new TreeSet<>();
      int connections = 0;
      for (Map.Entry<SessionKey, Instant> session : sessions.entrySet()) {
        if (alive(session.getValue(), now)) {
          connections++;
          nodes.add(session.getKey().node());
        }
      }
      return new Presence(
          userId, connections > 0, connections, nodes.stream().toList(), lastSeen.get(userId));
    }
  }

  @Override
  public long onlineUsers() {
    Instant now = clock.instant();
    synchronized (lock) {
      return sessionsByUser.values().stream()
          .filter(sessions -> sessions.values().stream().anyMatch(at -> alive(at, now)))
          .count();
    }
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  private boolean alive(Instant refreshedAt, Instant now) {
    return refreshedAt.plus(ttl).isAfter(now);
  }

  private void removeSession(String userId, Map<SessionKey, Instant> sessions, SessionKey key) {
    if (sessions == null) {
      return;
    }
    sessions.remove(key);
    if (sessions.isEmpty()) {
      sessionsByUser.remove(userId);
    }
  }
}
