package io.regen.realtime.platform.config;

import static io.regen.realtime.platform.config.RegenEnvironment.*;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.kafka.BrokerSecurity;
import io.regen.realtime.platform.kafka.BrokerSettings;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Settings of {@code regen broker}: each from its flag, else its environment variable, else the
 * default. Several brokers given the same {@code --quorum} form one cluster.
 *
 * <pre>
 * --node-id          KAFKA_NODE_ID          1
 * --host             KAFKA_HOST             localhost
 * --port             KAFKA_PORT             9092
 * --controller-port  KAFKA_CONTROLLER_PORT  port + 1
 * --quorum           KAFKA_QUORUM_VOTERS    &lt;node-id&gt;@&lt;host&gt;:&lt;controller-port&gt;
 * --cluster-id       KAFKA_CLUSTER_ID       derived from the quorum
 * --data-dir         (none)                 REGEN_DATA_DIR/broker-&lt;node-id&gt;
 * --sasl-users       KAFKA_SASL_USERS_FILE  none: PLAINTEXT; set: SASL/SCRAM + ACLs (BrokerSecurity)
 * </pre>
 */
public final class BrokerOptions {
  public static final Set<String> FLAGS =
      Set.of(
          "node-id",
          "host",
          "port",
          "controller-port",
          "quorum",
          "cluster-id",
          "data-dir",
          "sasl-users");

  private BrokerOptions() {}

  public static BrokerSettings from(CommandLine cl, RegenEnvironment env) {
    cl.expect(0, FLAGS);
    int nodeId = nonNegative("--node-id", flagOrEnv(cl, "node-id", env, KAFKA_NODE_ID, "1"));
    String host = flagOrEnv(cl, "host", env, KAFKA_HOST, "localhost");
    int port = parsePort("--port", flagOrEnv(cl, "port", env, KAFKA_PORT, "" + DEFAULT_KAFKA_PORT));
    int controllerPort =
        parsePort(
            "--controller-port",
            flagOrEnv(cl, "controller-port", env, KAFKA_CONTROLLER_PORT, "" + (port + 1)));
    String quorum = flagOrEnv(cl, "quorum", env, KAFKA_QUORUM_VOTERS, null);
    String clusterId = flagOrEnv(cl, "cluster-id", env, KAFKA_CLUSTER_ID, null);
    Path dataDir =
        cl.option("data-dir")
            .map(d -> Path.of(d).toAbsolutePath().normalize())
            .orElse(env.dataDir().resolve("broker-" + nodeId));
    if (quorum != null
        && CommandLine.parseList(quorum).stream().noneMatch(v -> v.startsWith(nodeId + "@"))) {
      throw new UsageException(
          "the quorum '" + quorum + "' does not contain this node (" + nodeId + "@host:port)");
    }
    String saslUsers = flagOrEnv(cl, "sasl-users", env, KAFKA_SASL_USERS_FILE, null);
    try {
      return new BrokerSettings(
          nodeId,
          host,
          port,
          controllerPort,
          quorum,
          dataDir,
          clusterId,
          Map.of(),
          security(saslUsers));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The node's security from a users file; none without one. */
  public static BrokerSecurity security(String usersFile) {
    return usersFile == null
        ? BrokerSecurity.NONE
        : BrokerSecurity.fromUsersFile(Path.of(usersFile).toAbsolutePath());
  }

  private static String flagOrEnv(
      CommandLine cl, String flag, RegenEnvironment env, String variable, String defaultValue) {
    return cl.option(flag).or(() -> env.get(variable)).orElse(defaultValue);
  }

  private static int parsePort(String name, String value) {
    try {
      return RegenEnvironment.parsePort(name, value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static int nonNegative(String name, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the usage error
    }
    throw new UsageException(name + " must be a number >= 0, got '" + value + "'");
  }
}
