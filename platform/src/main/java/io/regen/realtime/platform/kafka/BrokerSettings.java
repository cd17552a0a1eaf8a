package io.regen.realtime.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.Uuid;

/**
 * Where and how one KRaft node (combined broker and controller) runs.
 *
 * @param nodeId the node id, unique in the quorum
 * @param host the host name clients and other nodes reach this node by
 * @param port the client (PLAINTEXT) listener port
 * @param controllerPort the controller (raft) listener port
 * @param quorumVoters static voters {@code id@host:port,...}; {@code null} means a single-node
 *     quorum of this node alone
 * @param logDir the directory holding this node's logs and metadata; it survives restarts
 * @param clusterId the cluster id used when the storage is formatted; {@code null} derives one from
 *     the quorum voters, so that nodes started with the same voters agree without extra flags
 * @param overrides further broker properties, applied last
 * @param security SASL users and ACLs, or {@link BrokerSecurity#NONE} for PLAINTEXT
 */
public record BrokerSettings(
    int nodeId,
    String host,
    int port,
    int controllerPort,
    String quorumVoters,
    Path logDir,
    String clusterId,
    Map<String, String> overrides,
    BrokerSecurity security) {

  /** A PLAINTEXT node without authorizer. */
  public BrokerSettings(
      int nodeId,
      String host,
      int port,
      int controllerPort,
      String quorumVoters,
      Path logDir,
      String clusterId,
      Map<String, String> overrides) {
    this(
        nodeId,
        host,
        port,
        controllerPort,
        quorumVoters,
        logDir,
        clusterId,
        overrides,
        BrokerSecurity.NONE);
  }

  public BrokerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(logDir, "logDir");
    if (nodeId < 0) {
      throw new IllegalArgumentException("node id must be >= 0, got " + nodeId);
    }
    checkPort("port", port);
    checkPort("controller port", controllerPort);
    if (port == controllerPort) {
      throw new IllegalArgumentException("port and controller port must differ, both are " + port);
    }
    if (quorumVoters == null || quorumVoters.isBlank()) {
      quorumVoters = nodeId + "@" + host + ":" + controllerPort;
    }
    if (clusterId == null || clusterId.isBlank()) {
      clusterId = deriveClusterId(quorumVoters);
    }
    overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    security = security == null ? BrokerSecurity.NONE : security;
  }

  /** These settings with {@code newSecurity}. */
  public BrokerSettings withSecurity(BrokerSecurity newSecurity) {
    return new BrokerSettings(
        nodeId,
        host,
        port,
        controllerPort,
        quorumVoters,
        logDir,
        clusterId,
        overrides,
        newSecurity);
  }

  /** A single-node broker: this node is the whole quorum. */
  public static BrokerSettings singleNode(int port, int controllerPort, Path logDir) {
    return new BrokerSettings(1, "localhost", port, controllerPort, null, logDir, null, Map.of());
  }

  /** {@code host:port} for Kafka clients. */
  public String bootstrapServers() {
    return host + ":" + port;
  }

  /** How many controllers vote in the quorum (each is also a broker here). */
  public int voterCount() {
    return quorumVoters.split(",").length;
  }

  private static void checkPort(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " must be in 1..65535, got " + port);
    }
  }

  /** A deterministic, valid Kafka cluster id (base64 of 16 bytes) from the voter list. */
  static String deriveClusterId(String quorumVoters) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("regen:" + quorumVoters.trim()).getBytes(StandardCharsets.UTF_8));
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(Arrays.copyOf(digest, 16));
      return new Uuid(buffer.getLong(), buffer.getLong()).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
