package io.regen.realtime.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.kafka.BrokerSecurity;
import io.regen.realtime.platform.kafka.RoleAcls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Three {@code regen broker} processes with one static quorum (each node broker and controller),
 * the cluster the fault and cluster ITs run on. Nodes are addressed by index 0..2 (node id = index
 * + 1). Every start of a node writes its own log file, {@code <logDir>/broker-<id>-<n>.log}, so
 * readiness is read from the current run only. Data survives kills and restarts (one data dir).
 *
 * <p>{@link #startSecured} runs it with SASL/SCRAM on every listener, the StandardAuthorizer and
 * the role ACLs; then {@link #client} and {@link #admin} log in.
 */
public final class BrokerCluster implements AutoCloseable {
  public static final int SIZE = 3;
  private static final String READY = "regen: ready in";

  private final Path dataDir;
  private final Path logDir;
  private final Map<String, String> env;
  private final int[] ports = new int[SIZE];
  private final int[] controllerPorts = new int[SIZE];
  private final RegenProcess[] nodes = new RegenProcess[SIZE];
  private final int[] starts = new int[SIZE];
  private final String quorum;
  private final BrokerSecurity security;

  private final IntSupplier portSource;

  private BrokerCluster(
      Path dataDir,
      Path logDir,
      Map<String, String> env,
      BrokerSecurity security,
      IntSupplier portSource) {
    this.dataDir = dataDir;
    this.logDir = logDir;
    this.env = env;
    this.security = security;
    this.portSource = portSource;
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      ports[i] = portSource.getAsInt();
      controllerPorts[i] = portSource.getAsInt();
      voters.add((i + 1) + "@localhost:" + controllerPorts[i]);
    }
    quorum = String.join(",", voters);
  }

  /** Starts the three nodes and waits until each says it is ready. */
  public static BrokerCluster start(Path dataDir, Path logDir) {
    return start(dataDir, logDir, Map.of());
  }

  /** As {@link #start(Path, Path)}, with {@code env} added to each node's environment. */
  public static BrokerCluster start(Path dataDir, Path logDir, Map<String, String> env) {
    return start(dataDir, logDir, env, FreePorts::next);
  }

  /**
   * As {@link #start(Path, Path, Map)}, with the nodes' ports taken from {@code portSource} (six
   * per start: client and controller port of each node); for the test of the port-clash retry.
   */
  static BrokerCluster start(
      Path dataDir, Path logDir, Map<String, String> env, IntSupplier portSource) {
    return start(new BrokerCluster(dataDir, logDir, env, BrokerSecurity.NONE, portSource));
  }

  /**
   * As {@link #start(Path, Path)}, with SASL/SCRAM for {@code security}'s users (written to {@code
   * dataDir/kafka-users.properties}), the StandardAuthorizer and the role ACLs; the admin client
   * logs in as {@link RoleAcls#ADMIN_USER}, which {@code security} must include.
   */
  public static BrokerCluster startSecured(Path dataDir, Path logDir, BrokerSecurity security) {
    security.password(RoleAcls.ADMIN_USER);
    Path users = dataDir.resolve("kafka-users.properties");
    StringBuilder file = new StringBuilder("# user=password\n");
    security.users().forEach((u, p) -> file.append(u).append('=').append(p).append('\n'));
    try {
      Files.writeString(users, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = Map.of(RegenEnvironment.KAFKA_SASL_USERS_FILE, users.toString());
    return start(new BrokerCluster(dataDir, logDir, env, security, FreePorts::next));
  }

  /** How often a first start is tried again on fresh ports when a listener port was taken. */
  private static final int PORT_ATTEMPTS = 3;

  private static BrokerCluster start(BrokerCluster cluster) {
    for (int attempt = 1; ; attempt++) {
      try {
        for (int i = 0; i < SIZE; i++) {
          cluster.startNode(i);
        }
        for (int i = 0; i < SIZE; i++) {
          cluster.awaitReady(i);
        }
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.close();
        // The ports are picked free, then bound by another JVM a moment later: anything on the
        // machine may take one in between. That is the test's choice of ports failing, not the
        // broker, so the cluster starts again, from empty storage, on new ones.
        if (attempt >= PORT_ATTEMPTS || !cluster.lostAPort()) {
          throw e;
        }
        cluster.deleteStorage();
        cluster = cluster.onFreshPorts(attempt + 1);
      }
    }
  }

  /** True if a node's current run failed to bind one of its ports. */
  private boolean lostAPort() {
    for (RegenProcess node : nodes) {
      try {
        if (node != null && node.output().contains("Address already in use")) {
          return true;
        }
      } catch (IOException e) {
        // unreadable log: not known to be a port clash
      }
    }
    return false;
  }

  private void deleteStorage() {
    for (int i = 0; i < SIZE; i++) {
      Path dir = dataDir.resolve("broker-" + (i + 1));
      if (!Files.exists(dir)) {
        continue;
      }
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The same cluster on new ports, logging under {@code <logDir>/attempt-<n>}. */
  private BrokerCluster onFreshPorts(int attempt) {
    return new BrokerCluster(
        dataDir, logDir.resolve("attempt-" + attempt), env, security, portSource);
  }

  /** {@code host:port,...} of all three nodes. */
  public String bootstrap() {
    List<String> all = new ArrayList<>();
    for (int port : ports) {
      all.add("localhost:" + port);
    }
    return String.join(",", all);
  }

  /** The node's current process. */
  public RegenProcess node(int i) {
    return nodes[i];
  }

  /** {@code kill -9} of node {@code i}; waits for its exit. */
  public void kill(int i) throws InterruptedException {
    nodes[i].kill();
  }

  /** SIGSTOP / SIGCONT of node {@code i}. */
  public void pause(int i) throws IOException, InterruptedException {
    nodes[i].signal("STOP");
  }

  public void resume(int i) throws IOException, InterruptedException {
    nodes[i].signal("CONT");
  }

  /** Starts node {@code i} again (after a kill) without waiting; see {@link #awaitReady}. */
  public void startNode(int i) {
    if (nodes[i] != null && nodes[i].isAlive()) {
      throw new IllegalStateException("broker " + (i + 1) + " is still running");
    }
    starts[i]++;
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.put("REGEN_DATA_DIR", dataDir.toString());
    try {
      nodes[i] =
          RegenProcess.start(
              nodeEnv,
              logDir.resolve("broker-" + (i + 1) + "-" + starts[i] + ".log"),
              "broker",
              "--node-id",
              Integer.toString(i + 1),
              "--port",
              Integer.toString(ports[i]),
              "--controller-port",
              Integer.toString(controllerPorts[i]),
              "--quorum",
              quorum);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start broker " + (i + 1), e);
    }
  }

  /** Waits until the current run of node {@code i} says it is ready (fails fast if it exits). */
  public void awaitReady(int i) {
    RegenProcess node = nodes[i];
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .failFast(() -> node.assertRunning("broker " + (i + 1)))
        .untilAsserted(() -> assertThat(node.output()).contains(READY));
  }

  /** Starts node {@code i} again and waits until it is ready. */
  public void restart(int i) {
    startNode(i);
    awaitReady(i);
  }

  /**
   * The settings of a client of the cluster: its bootstrap servers and, on a {@linkplain
   * #startSecured secured} cluster, SASL/SCRAM as {@code user}.
   */
  public Properties client(String user) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    if (security.enabled()) {
      p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
      p.put(SaslConfigs.SASL_MECHANISM, BrokerSecurity.SCRAM_MECHANISM);
      p.put(SaslConfigs.SASL_JAAS_CONFIG, security.scramJaasConfig(user));
    }
    return p;
  }

  /** An admin client on the cluster with short timeouts (close it). */
  public Admin admin() {
    Properties p = client(RoleAcls.ADMIN_USER);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    // A dead node must leave the client's metadata quickly.
    p.put(AdminClientConfig.METADATA_MAX_AGE_CONFIG, 1_000);
    return Admin.create(p);
  }

  /** The index of the node leading {@code topic}'s {@code partition}, or -1 while none leads. */
  public int leaderOf(String topic, int partition) throws Exception {
    // A paused (SIGSTOP) node accepts connections and never answers: a fresh client per call with
    // short timeouts, closed without waiting, so a poll loop asks again (likely a live node)
    // instead of blocking past its own deadline on that node.
    Properties p = client(RoleAcls.ADMIN_USER);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, QUICK_LOOKUP_MS);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, QUICK_LOOKUP_MS);
    Admin admin = Admin.create(p);
    try {
      return leaderOf(admin, topic, partition, QUICK_LOOKUP_MS);
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  /** Bound on one {@link #leaderOf(String, int)} look-up. */
  private static final int QUICK_LOOKUP_MS = 3_000;

  private static int leaderOf(Admin admin, String topic, int partition, int timeoutMs)
      throws Exception {
    TopicDescription d =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeoutMs, TimeUnit.MILLISECONDS)
            .get(topic);
    var leader = d.partitions().get(partition).leader();
    return leader == null || leader.isEmpty() ? -1 : leader.id() - 1;
  }

  /** The index of the active controller (the quorum leader). */
  public int activeController() throws Exception {
    try (Admin admin = admin()) {
      return admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS).leaderId() - 1;
    }
  }

  /** Waits until every partition of {@code topics} has all three replicas in sync. */
  public void awaitFullIsr(String... topics) {
    try (Admin admin = admin()) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () ->
                  admin
                      .describeTopics(List.of(topics))
                      .allTopicNames()
                      .get(10, TimeUnit.SECONDS)
                      .values()
                      .stream()
                      .flatMap(t -> t.partitions().stream())
                      .allMatch(p -> p.isr().size() == SIZE));
    }
  }

  /**
   * SIGTERM to all nodes at once (every node's broker part shuts down while the quorum still runs)
   * and their exit statuses, in node order.
   */
  public List<Integer> terminateAll(Duration timeout) throws InterruptedException {
    for (RegenProcess node : nodes) {
      if (node.isAlive()) {
        node.signalTerm();
      }
    }
    List<Integer> statuses = new ArrayList<>();
    for (RegenProcess node : nodes) {
      statuses.add(node.awaitExit(timeout));
    }
    return statuses;
  }

  /** The log of node {@code i}'s current run. */
  public Path log(int i) {
    return nodes[i].log();
  }

  @Override
  public void close() {
    for (RegenProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
  }
}
