package io.regen.realtime.gateway.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who is online: per user, the open connections on each gateway node. The gateway is the only
 * writer; entries of a node that stops heartbeating expire on their own after {@link #ttl()}.
 *
 * <p>Contract (checked by one suite, {@code PresenceRegistryContract}, against every
 * implementation):
 *
 * <ul>
 *   <li>{@code connected} then {@code disconnected} of the same session leaves no open connection
 *       of it; disconnecting an unknown session is a no-op. Both are idempotent.
 *   <li>A session is identified by {@code (sessionId, node)}; a user may have several sessions
 *       (tabs) on several nodes.
 *   <li>A session lives for {@link #ttl()} after its {@code connected} or its node's latest {@code
 *       heartbeat}, whichever is later; {@code heartbeat(node)} extends every session of that node.
 *       A node that stops heartbeating (it died) loses its sessions after the ttl, with no cleanup.
 *   <li>{@code lastSeen} is the latest time the user was connected, heartbeated or disconnected.
 *   <li>Calls may come from any thread and are synchronous. They never block the caller longer than
 *       the implementation's command timeout (well under 500 ms): when the store is unreachable or
 *       slow they throw {@link PresenceUnavailableException} instead of queueing without bound.
 *       Code on a latency-sensitive path (WebSocket threads) does not call the registry directly:
 *       it goes through {@link PresenceRecorder}, which never blocks and never throws.
 *   <li>Presence is advisory: event delivery never depends on it.
 * </ul>
 */
public interface PresenceRegistry {

  /** Records an open session of {@code userId} on {@code node}, alive for {@link #ttl()}. */
  void connected(String userId, String sessionId, String node);

  /** Removes a session; a no-op if it is unknown or already gone. */
  void disconnected(String userId, String sessionId, String node);

  /**
   * Refreshes the expiry of every session this node holds.
   *
   * @return how many sessions of this node the store still held and refreshed; a number lower than
   *     the node's own count means the store lost them (e.g. Redis restarted without persistence)
   *     and the node should register them again
   */
  int heartbeat(String node);

  /** The presence of one user. */
  Presence presence(String userId);

  /** How many distinct users are online. */
  long onlineUsers();

  /** How long a node's sessions live without a heartbeat. */
  Duration ttl();

  /**
   * One user's presence.
   *
   * @param online at least one live session
   * @param connections open sessions over all nodes
   * @param nodes the nodes holding those sessions, sorted
   * @param lastSeen when the user was last connected, heartbeated or disconnected; null if never
   *     seen
   */
  record Presence(
      String userId, boolean online, int connections, List<String> nodes, Instant lastSeen) {
    public Presence {
      nodes = List.copyOf(nodes);
    }

    public static Presence offline(String userId, Instant lastSeen) {
      return new Presence(userId, false, 0, List.of(), lastSeen);
    }
  }
}
