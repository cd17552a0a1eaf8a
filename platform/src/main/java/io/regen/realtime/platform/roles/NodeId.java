package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.config.RegenEnvironment;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * This instance's stable id ({@code regen.node-id}): {@code REGEN_NODE_ID}, else {@code
 * <host>-<port>}. Stable across restarts on purpose: Kafka Streams uses it as its static group
 * membership id, so a restarted instance takes its partitions back without a rebalance.
 */
final class NodeId {
  private NodeId() {}

  static String of(RegenEnvironment env, int httpPort) {
    return env.get(RegenEnvironment.REGEN_NODE_ID).orElseGet(() -> hostName() + "-" + httpPort);
  }

  private static String hostName() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
