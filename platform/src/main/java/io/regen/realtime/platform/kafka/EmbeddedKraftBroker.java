package io.regen.realtime.platform.kafka;

import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka node in KRaft mode (combined broker and controller) running inside this JVM.
 *
 * <p>The storage is formatted once, when {@code meta.properties} is missing; afterwards the node
 * reuses it, so topics and records survive restarts. {@link #close()} shuts down in order (the
 * broker's controlled shutdown, logs flushed and marked clean, then the controller) and frees the
 * ports. Not thread-safe: start and close from one thread.
 *
 * <p>A stopping node asks the active controller to approve its controlled shutdown. Kafka waits up
 * to five minutes for that approval, which never comes when the node is the last of its quorum
 * (every node of a cluster stopped at once, or its peers already gone). The node waits {@link
 * #CONTROLLED_SHUTDOWN_WAIT} instead, then stops without the approval: its logs are still flushed
 * and marked clean, and nothing it acknowledged is lost, because acks=all records are already on
 * every in-sync replica.
 */
public final class EmbeddedKraftBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKraftBroker.class);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String CLIENT_LISTENER = "PLAINTEXT";
  private static final String SASL_LISTENER = "SASL_PLAINTEXT";

  /** Partitions of __consumer_offsets and __transaction_state on a single node. */
  static final String SINGLE_NODE_INTERNAL_PARTITIONS = "4";

  /** How long a stopping node waits for the controller to approve its controlled shutdown. */
  static final Duration CONTROLLED_SHUTDOWN_WAIT = Duration.ofSeconds(15);

  private final BrokerSettings settings;
  private volatile KafkaRaftServer server;
  private volatile boolean ready;

  public EmbeddedKraftBroker(BrokerSettings settings) {
    this.settings = settings;
  }

  public BrokerSettings settings() {
    return settings;
  }

  /** {@code host:port} of this node's client listener. */
  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  /** Formats the storage if needed and starts the node; returns once its listeners are bound. */
  public synchronized EmbeddedKraftBroker start() {
    if (server != null) {
      throw new IllegalStateException("broker already started");
    }
    KafkaConfig config = new KafkaConfig(brokerProperties(settings), false);
    formatIfNeeded(config);
    BrokerRequestHistograms.register();
    KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      raftServer.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(raftServer);
      throw e;
    }
    server = raftServer;
    log.info(
        "Kafka node {} started: clients on {}, controller on {}:{}, data in {}",
        settings.nodeId(),
        settings.bootstrapServers(),
        settings.host(),
        settings.controllerPort(),
        settings.logDir());
    return this;
  }

  /**
   * Waits until the cluster answers {@code describeCluster} with this node among its live brokers,
   * i.e. it is registered, unfenced and serving requests.
   *
   * @throws TimeoutException if that does not happen within {@code timeout}
   */
  public void awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(adminProperties(bootstrapServers()))) {
      while (true) {
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remainingMs <= 0) {
          throw new TimeoutException(
              "Kafka node " + settings.nodeId() + " not ready after " + timeout.toSeconds() + " s");
        }
        try {
          boolean registered =
              admin
                  .describeCluster(
                      new DescribeClusterOptions().timeoutMs((int) Math.min(remainingMs, 5_000)))
                  .nodes()
                  .get(remainingMs, TimeUnit.MILLISECONDS)
                  .stream()
                  .anyMatch(node -> node.id() == settings.nodeId());
          if (registered) {
            ready = true;
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          log.debug("Kafka node {} not ready yet: {}", settings.nodeId(), e.toString());
        }
        Thread.sleep(Math.min(200, Math.max(1, remainingMs)));
      }
    }
  }

  /** True once {@link #awaitReady} succeeded and until {@link #close()} begins. */
  public boolean isReady() {
    return ready && server != null;
  }

  /** Controlled shutdown: partitions handed off, logs flushed and marked clean, ports freed. */
  @Override
  public synchronized void close() {
    KafkaRaftServer running = server;
    if (running == null) {
      return;
    }
    ready = false;
    server = null;
    shutdownQuietly(running);
    log.info("Kafka node {} stopped", settings.nodeId());
  }

  /** The running server, for tests of how it stops. */
  KafkaRaftServer server() {
    return server;
  }

  private static void shutdownQuietly(KafkaRaftServer raftServer) {
    try {
      // The broker part stops first with a bounded wait; the server's own call to it then returns
      // at once, because a broker that is already shutting down ignores a second request.
      brokerPart(raftServer).ifPresent(broker -> broker.shutdown(CONTROLLED_SHUTDOWN_WAIT));
      raftServer.shutdown();
      raftServer.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Kafka node shutdown reported an error", e);
    }
  }

  /**
   * The broker half of a combined node. {@link KafkaRaftServer} keeps it private and stops it with
   * a fixed five-minute wait for the controller; without it that wait applies.
   */
  static Optional<BrokerServer> brokerPart(KafkaRaftServer raftServer) {
    try {
      Field field = KafkaRaftServer.class.getDeclaredField("broker");
      field.setAccessible(true);
      scala.Option<?> broker = (scala.Option<?>) field.get(raftServer);
      return broker.isDefined() && broker.get() instanceof BrokerServer b
          ? Optional.of(b)
          : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn(
          "Kafka node's broker is not reachable; a stop without a quorum waits Kafka's 5 minutes",
          e);
      return Optional.empty();
    }
  }

  private void formatIfNeeded(KafkaConfig config) {
    Path logDir = settings.logDir();
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(logDir);
      new Formatter()
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setNodeId(settings.nodeId())
          .setClusterId(settings.clusterId())
          .setIgnoreFormatted(true)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(config.metadataLogDir())
          .setDirectories(List.of(logDir.toString()))
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setScramArguments(scramArguments(settings.security()))
          .run();
      log.info(
          "Formatted Kafka storage in {} (cluster id {}, node id {})",
          logDir,
          settings.clusterId(),
          settings.nodeId());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create Kafka data directory " + logDir, e);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format Kafka storage in " + logDir, e);
    }
  }

  /** The SCRAM credentials written into the metadata at format time, one per user. */
  private static List<String> scramArguments(BrokerSecurity security) {
    return security.users().entrySet().stream()
        .map(
            u ->
                BrokerSecurity.SCRAM_MECHANISM
                    + "=[name="
                    + u.getKey()
                    + ",password=\""
                    + u.getValue()
                    + "\"]")
        .toList();
  }

  /**
   * Creates the per-role ACLs ({@link RoleAcls}); idempotent, so every node of a cluster may do it
   * at every start. Does nothing on a node without security.
   */
  public void applyRoleAcls(Duration timeout) throws InterruptedException, TimeoutException {
    if (!settings.security().enabled()) {
      return;
    }
    try (Admin admin = Admin.create(adminProperties(bootstrapServers()))) {
      admin.createAcls(RoleAcls.all()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Kafka node {}: {} role ACLs in place", settings.nodeId(), RoleAcls.all().size());
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot create the role ACLs: " + e.getCause(), e);
    }
  }

  /** The node's broker configuration; visible for tests. */
  static Map<String, String> brokerProperties(BrokerSettings s) {
    int internalReplicas = Math.min(3, s.voterCount());
    int internalMinIsr = internalReplicas >= 3 ? 2 : 1;
    String clientListener = clientListener(s);
    Map<String, String> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(s.nodeId()));
    p.put("controller.quorum.voters", s.quorumVoters());
    p.put(
        "listeners",
        clientListener
            + "://"
            + s.host()
            + ":"
            + s.port()
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + s.host()
            + ":"
            + s.controllerPort());
    p.put("advertised.listeners", clientListener + "://" + s.host() + ":" + s.port());
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", clientListener);
    if (s.security().enabled()) {
      putSecurity(p, s.security());
    } else {
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    }
    p.put("log.dirs", s.logDir().toString());
    // Internal topics: replicated as far as the quorum allows (a single node cannot do more).
    p.put("offsets.topic.replication.factor", Integer.toString(internalReplicas));
    p.put("transaction.state.log.replication.factor", Integer.toString(internalReplicas));
    p.put("transaction.state.log.min.isr", Integer.toString(internalMinIsr));
    p.put("share.coordinator.state.topic.replication.factor", Integer.toString(internalReplicas));
    p.put("share.coordinator.state.topic.min.isr", Integer.toString(internalMinIsr));
    p.put("default.replication.factor", Integer.toString(internalReplicas));
    // Topics are created explicitly (with their partitions and configs), never by a typo.
    p.put("auto.create.topics.enable", "false");
    // A restarted consumer group should not wait 3 s for members that are not coming.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Detect a dead node in seconds, so a restart after kill -9 does not wait 18 s for fencing.
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "1000");
    // The cleaner's offset map is a heap buffer held for the JVM's life (a humongous object in
    // G1): the 128 MiB default is most of a small heap. 4 MiB maps ~150,000 keys per cleaning
    // pass, enough for up's compacted topics; a larger log is cleaned in more passes. With 16 MiB
    // it was 12 of the ~150 MB live after a young GC under S1 (docs/performance.md, session 8).
    p.put("log.cleaner.dedupe.buffer.size", "4194304");
    // Thread pools sized for a small machine, not a server (issue 9: 364 threads in up). Request
    // handling is CPU-bound here, so more threads than cores only add context switches.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "2");
    p.put("background.threads", "2");
    p.put("group.coordinator.threads", "1");
    p.put("share.coordinator.threads", "1");
    if (s.voterCount() == 1) {
      // One node hosts every coordinator anyway: 50 partitions each (the defaults) only cost
      // files, memory and per-partition housekeeping. Only read when the topics are created.
      p.put("offsets.topic.num.partitions", SINGLE_NODE_INTERNAL_PARTITIONS);
      p.put("transaction.state.log.num.partitions", SINGLE_NODE_INTERNAL_PARTITIONS);
    }
    p.putAll(s.overrides());
    return p;
  }

  private static String clientListener(BrokerSettings s) {
    return s.security().enabled() ? SASL_LISTENER : CLIENT_LISTENER;
  }

  /**
   * SCRAM on the client listener (clients and inter-broker), PLAIN between controllers (SCRAM
   * credentials live in the metadata the controllers serve, so they cannot guard it), the
   * StandardAuthorizer denying whatever {@link RoleAcls} does not allow.
   */
  private static void putSecurity(Map<String, String> p, BrokerSecurity security) {
    String brokerPassword = security.password(BrokerSecurity.BROKER_USER);
    p.put(
        "listener.security.protocol.map",
        SASL_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
    String client = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    p.put(client + "sasl.enabled.mechanisms", BrokerSecurity.SCRAM_MECHANISM);
    p.put(
        client
            + BrokerSecurity.SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT)
            + ".sasl.jaas.config",
        security.scramJaasConfig(BrokerSecurity.BROKER_USER));
    p.put("sasl.mechanism.inter.broker.protocol", BrokerSecurity.SCRAM_MECHANISM);
    String controller =
        "listener.name." + CONTROLLER_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    p.put(controller + "sasl.enabled.mechanisms", "PLAIN");
    p.put(
        controller + "plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + BrokerSecurity.BROKER_USER
            + "\" password=\""
            + brokerPassword
            + "\" user_"
            + BrokerSecurity.BROKER_USER
            + "=\""
            + brokerPassword
            + "\";");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", RoleAcls.superUsers());
    p.put("allow.everyone.if.no.acl.found", "false");
  }

  /** SASL client settings for this node's own admin client, as the broker user. */
  private Map<String, Object> adminProperties(String bootstrapServers) {
    Map<String, Object> p =
        KafkaClientConfigs.plaintext(bootstrapServers).admin("regen-embedded-broker-admin");
    BrokerSecurity security = settings.security();
    if (security.enabled()) {
      p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
      p.put(SaslConfigs.SASL_MECHANISM, BrokerSecurity.SCRAM_MECHANISM);
      p.put(SaslConfigs.SASL_JAAS_CONFIG, security.scramJaasConfig(BrokerSecurity.BROKER_USER));
    }
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return p;
  }
}
