package io.regen.realtime.gateway.presence;

import java.time.Duration;
import java.time.Instant;

/**
 * Who is online: per user, the open connections on each gateway node. The gateway is the only
 * writer; entries of a node that stops heartbeating expire on their own after {@link #ttl()}.
 *
 * <p>Contract (checked by one suite against every implementation):
 *
 * <ul>
 *   <li>{@code connected} then {@code disconnected} of the same session leaves no trace of it;
 *       disconnecting an unknown session is a no-op.
 *   <li>{@code heartbeat(node)} extends the life of every session of that node; a session whose node
 *       has not heartbeated for {@link #ttl()} is no longer counted.
 *   <li>Calls may come from any thread. They never block the caller longer than the implementation's
 *       command timeout (under 500 ms): when the store is unreachable they throw {@link
 *       PresenceUnavailableException} quickly instead of queueing without bound.
 *   <li>Presence is advisory: event delivery never depends on it.
 * </ul>
 */
public interface PresenceRegistry {

  /** Records an open session of {@code userId} on {@code node}. */
  void connected(String userId, String sessionId, String node);

  /** Removes a session. */
  void disconnected(String userId, String sessionId, String node);

  /** Refreshes the expiry of every session this node holds. */
  void heartbeat(String node);

  /** The presence of one user. */
  Presence presence(String userId);

  /** How many distinct users are online. */
  long onlineUsers();

  /** How long a node's sessions live without a heartbeat. */
  Duration ttl();

  /**
   * One user's presence.
   *
   * @param connections open sessions over all nodes
   * @param lastSeen when the user was last connected or heartbeated; null if never seen
   */
  record Presence(String userId, boolean online, int connections, Instant lastSeen) {}
}
