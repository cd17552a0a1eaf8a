package io.regen.realtime.gateway.presence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the WebSocket layer reports its sessions to presence: {@link #opened} and {@link
 * #closed} <b>never block and never throw</b>, whatever state the store is in, so delivery is never
 * held up by presence.
 *
 * <p>How: both calls only update in-memory maps and wake one background thread ({@code
 * presence-recorder}) that applies the changes to the {@link PresenceRegistry} in order and sends
 * this node's heartbeat every {@code heartbeatInterval}. It converges to the node's real sessions
 * rather than replaying a command log:
 *
 * <ul>
 *   <li>a change that fails (store down or slow) stays pending and is retried; pending changes are
 *       keyed by session, so there is at most one per session and at most {@code maxPending} in all
 *       (beyond that changes are dropped, counted, and a full re-sync follows recovery);
 *   <li>when a heartbeat refreshes fewer sessions than this node holds (the store lost them, e.g.
 *       Redis restarted without persistence, or they expired during a long outage), every open
 *       session is registered again;
 *   <li>after dropped changes the node registers its sessions under a new incarnation of its node
 *       id; the old incarnation's entries, now without heartbeat, lapse after the ttl.
 * </ul>
 *
 * <p>The node id written to the store is {@code <nodeId>~<incarnation>} ({@link #presenceNode()}),
 * fresh for each process, so a restarted gateway never keeps its predecessor's sessions alive.
 * {@link #close()} removes this node's sessions from the store (best effort, bounded) and stops.
 */
public final class PresenceRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PresenceRecorder.class);
  public static final int DEFAULT_MAX_PENDING = 100_000;

  private final PresenceRegistry registry;
  private final String nodeId;
  private final Duration heartbeatInterval;
  private final Duration retryDelay;
  private final int maxPending;
  private final ScheduledExecutorService worker;
  // sessionId -> userId of every open session of this node: the truth presence converges to
  private final Map<String, String> open = new ConcurrentHashMap<>();
  // sessionId -> userId of sessions whose state the store has not seen yet
  private final Map<String, String> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean dropped = new AtomicBoolean();
  private final Counter droppedChanges;
  private final Counter resyncs;
  private volatile String presenceNode;
  private volatile boolean available = true;
  private volatile boolean retryScheduled;
  private volatile boolean started;

  public PresenceRecorder(
      PresenceRegistry registry,
      String nodeId,
      Duration heartbeatInterval,
      int maxPending,
      MeterRegistry meters) {
    this.registry = Objects.requireNonNull(registry, "registry");
    if (nodeId == null || nodeId.isBlank() || nodeId.contains("@")) {
      throw new IllegalArgumentException("node id must be non-blank and without '@': " + nodeId);
    }
    if (heartbeatInterval.compareTo(registry.ttl()) >= 0) {
      throw new IllegalArgumentException(
          "presence heartbeat interval "
              + heartbeatInterval
              + " must be shorter than the ttl "
              + registry.ttl());
    }
    this.nodeId = nodeId;
    this.heartbeatInterval = heartbeatInterval;
    this.retryDelay =
        heartbeatInterval.compareTo(Duration.ofSeconds(1)) < 0
            ? heartbeatInterval
            : Duration.ofSeconds(1);
    this.maxPending = maxPending > 0 ? maxPending : DEFAULT_MAX_PENDING;
    this.presenceNode = newIncarnation();
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "presence-recorder");
              t.setDaemon(true);
              return t;
            });
    this.droppedChanges =
        Counter.builder("regen.presence.changes.dropped")
            .description("Session changes not recorded because too many were pending")
            .register(meters);
    this.resyncs =
        Counter.builder("regen.presence.resyncs")
            .description("Times this node re-registered all its sessions with the presence store")
            .register(meters);
    Gauge.builder("regen.presence.changes.pending", pending, Map::size)
        .description("Session changes waiting to reach the presence store")
        .register(meters);
    Gauge.builder("regen.presence.available", this, r -> r.available ? 1 : 0)
        .description("1 while the presence store answers, else 0")
        .register(meters);
  }

  /** Starts the heartbeat. Idempotent. */
  public synchronized void start() {
    if (started) {
      return;
    }
    started = true;
    long period = heartbeatInterval.toMillis();
    worker.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
  }

  /** A session of {@code userId} opened on this node. Never blocks, never throws. */
  public void opened(String userId, String sessionId) {
    open.put(sessionId, userId);
    markPending(sessionId, userId);
  }

  /** A session closed (any reason). Never blocks, never throws; unknown sessions are ignored. */
  public void closed(String userId, String sessionId) {
    if (open.remove(sessionId) != null) {
      markPending(sessionId, userId);
    }
  }

  /** This gateway's node id, as configured ({@code regen.node-id}). */
  public String nodeId() {
    return nodeId;
  }

  /**
   * The node id under which this process's sessions are stored ({@code <nodeId>~<incarnation>}).
   */
  public String presenceNode() {
    return presenceNode;
  }

  /** The configured node id inside a stored node id ({@code <nodeId>~<incarnation>}). */
  public static String nodeIdOf(String presenceNode) {
    int tilde = presenceNode.lastIndexOf('~');
    return tilde > 0 ? presenceNode.substring(0, tilde) : presenceNode;
  }

  /** Sessions open on this node. */
  public int openSessions() {
    return open.size();
  }

  /** Changes not yet applied to the store. */
  public int pendingChanges() {
    return pending.size();
  }

  /** Whether the last attempt to reach the store succeeded. */
  public boolean storeAvailable() {
    return available;
  }

  /**
   * Stops the heartbeat and removes this node's open sessions from the store, giving up at the
   * first failure or after about two seconds (what is left then lapses after the ttl).
   */
  @Override
  public void close() {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(2, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    try {
      for (Map.Entry<String, String> session : open.entrySet()) {
        if (System.nanoTime() > deadline) {
          break;
        }
        registry.disconnected(session.getValue(), session.getKey(), presenceNode);
      }
    } catch (RuntimeException e) {
      log.info("Presence: could not remove this node's sessions on shutdown ({})", e.toString());
    }
  }

  private void markPending(String sessionId, String userId) {
    if (!pending.containsKey(sessionId) && pending.size() >= maxPending) {
      droppedChanges.increment();
      dropped.set(true);
      return;
    }
    pending.put(sessionId, userId);
    if (available && started && drainScheduled.compareAndSet(false, true)) {
      try {
        worker.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        drainScheduled.set(false);
      }
    }
  }

  // --- worker thread only below ---

  private void drain() {
    drainScheduled.set(false);
    try {
      applyPending();
      markAvailable();
    } catch (PresenceUnavailableException e) {
      markUnavailable(e);
    } catch (RuntimeException e) {
      log.error("Presence: unexpected failure applying session changes", e);
    }
  }

  private void tick() {
    retryScheduled = false;
    try {
      applyPending();
      int refreshed = registry.heartbeat(presenceNode);
      long expected = open.keySet().stream().filter(s -> !pending.containsKey(s)).count();
      if (refreshed < expected) {
        log.info(
            "Presence: the store held {} of this node's {} sessions; registering them again",
            refreshed,
            expected);
        resyncs.increment();
        open.forEach(pending::put);
        applyPending();
      }
      markAvailable();
    } catch (PresenceUnavailableException e) {
      markUnavailable(e);
    } catch (RuntimeException e) {
      log.error("Presence: unexpected failure in heartbeat", e);
    }
  }

  private void applyPending() {
    if (dropped.getAndSet(false)) {
      // Some changes were never recorded: start clean under a new incarnation; the old one's
      // entries get no more heartbeats and lapse after the ttl.
      presenceNode = newIncarnation();
      resyncs.increment();
      pending.clear();
      open.forEach(pending::put);
      log.warn("Presence: changes were dropped; re-registering sessions as {}", presenceNode);
    }
    for (String sessionId : pending.keySet()) {
      String userId = pending.remove(sessionId);
      if (userId == null) {
        continue;
      }
      String openUser = open.get(sessionId);
      try {
        if (openUser != null) {
          registry.connected(openUser, sessionId, presenceNode);
        } else {
          registry.disconnected(userId, sessionId, presenceNode);
        }
      } catch (PresenceUnavailableException e) {
        pending.putIfAbsent(sessionId, userId);
        throw e;
      }
    }
  }

  private void markAvailable() {
    if (!available) {
      available = true;
      log.info("Presence: store reachable again");
    }
  }

  private void markUnavailable(PresenceUnavailableException e) {
    if (available) {
      available = false;
      log.warn(
          "Presence: store unavailable ({}); {} changes pending, retrying every {} ms",
          e.getMessage(),
          pending.size(),
          retryDelay.toMillis());
    }
    if (!retryScheduled && !worker.isShutdown()) {
      retryScheduled = true;
      try {
        worker.schedule(this::tick, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        retryScheduled = false;
      }
    }
  }

  private String newIncarnation() {
    return nodeId + "~" + UUID.randomUUID().toString().substring(0, 8);
  }
}
