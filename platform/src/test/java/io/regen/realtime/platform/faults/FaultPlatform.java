package io.regen.realtime.platform.faults;

import static org.awaitility.Awaitility.await;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import io.regen.realtime.platform.testing.BrokerCluster;
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * The platform under a fault: {@code regen up} (registry, streams, gateway) on a {@link
 * BrokerCluster}, and what the oracle needs from it: tokens, WebSocket tabs, job state reads.
 */
public final class FaultPlatform implements AutoCloseable {
  /** The secret the platform's tokens are signed with (HS256). */
  public static final String SECRET = "fault-suite-secret-0123456789-0123456789-abcdef";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final JwtIssuer ISSUER =
      new JwtIssuer(
          new JwtSettings(
              SECRET,
              null,
              JwtSettings.DEFAULT_ISSUER,
              JwtSettings.DEFAULT_AUDIENCE,
              JwtSettings.DEFAULT_CLOCK_SKEW));

  private final String bootstrap;
  private final int httpPort;
  private final int registryPort;
  private final int managementPort;
  private final int partitions;
  private final RegenProcess up;

  private FaultPlatform(
      String bootstrap,
      int httpPort,
      int registryPort,
      int managementPort,
      int partitions,
      RegenProcess up) {
    this.bootstrap = bootstrap;
    this.managementPort = managementPort;
    this.partitions = partitions;
    this.httpPort = httpPort;
    this.registryPort = registryPort;
    this.up = up;
  }

  /**
   * Starts {@code regen up} on {@code cluster} with {@code partitions} partitions per topic and
   * waits until it is healthy. {@code env} is added last (e.g. gateway or streams settings).
   */
  public static FaultPlatform up(
      BrokerCluster cluster, Path dataDir, Path logDir, int partitions, Map<String, String> env)
      throws Exception {
    return up(
        cluster.bootstrap(),
        Map.of("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrap()),
        dataDir,
        logDir,
        partitions,
        env);
  }

  /**
   * Starts {@code regen up} with its own embedded single broker, for faults that do not need three
   * (e.g. Redis, a worker process); otherwise as {@link #up(BrokerCluster, Path, Path, int, Map)}.
   */
  public static FaultPlatform upOnItsOwnBroker(
      Path dataDir, Path logDir, int partitions, Map<String, String> env) throws Exception {
    int kafkaPort = FreePorts.next();
    return up(
        "localhost:" + kafkaPort,
        Map.of(
            "KAFKA_PORT",
            Integer.toString(kafkaPort),
            "KAFKA_CONTROLLER_PORT",
            Integer.toString(FreePorts.next())),
        dataDir,
        logDir,
        partitions,
        env);
  }

  private static FaultPlatform up(
      String bootstrap,
      Map<String, String> kafkaEnv,
      Path dataDir,
      Path logDir,
      int partitions,
      Map<String, String> env)
      throws Exception {
    int httpPort = FreePorts.next();
    int registryPort = FreePorts.next();
    Map<String, String> upEnv = new HashMap<>(kafkaEnv);
    upEnv.put("REGEN_DATA_DIR", dataDir.resolve("up").toString());
    upEnv.put("PORT", Integer.toString(httpPort));
    int managementPort = FreePorts.next();
    upEnv.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
    upEnv.put("SCHEMA_REGISTRY_PORT", Integer.toString(registryPort));
    upEnv.put("JWT_SECRET", SECRET);
    upEnv.put("TOPIC_PARTITIONS", Integer.toString(partitions));
    // The oracle reads every job's state: more REST requests per user than a person sends.
    upEnv.put("REGEN_GATEWAY_EDGE_RESTREQUESTSPERMINUTE", "1000000");
    upEnv.putAll(env);
    RegenProcess up = RegenProcess.start(upEnv, logDir.resolve("up.log"), "up");
    try {
      up.awaitHealthy(httpPort, Duration.ofMinutes(3));
    } catch (RuntimeException | Error e) {
      up.close();
      throw e;
    }
    return new FaultPlatform(bootstrap, httpPort, registryPort, managementPort, partitions, up);
  }

  /**
   * A platform whose processes the caller started and stops itself (roles as separate processes):
   * {@code httpPort} is the gateway's, {@code managementPort} its actuator's.
   */
  public static FaultPlatform around(
      String bootstrap, int httpPort, int registryPort, int managementPort, int partitions) {
    return new FaultPlatform(bootstrap, httpPort, registryPort, managementPort, partitions, null);
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** The port of {@code up}'s actuator ({@code /actuator/prometheus}). */
  public int managementPort() {
    return managementPort;
  }

  /** The gateway's (and query API's) HTTP port. */
  public int httpPort() {
    return httpPort;
  }

  public String registryUrl() {
    return "http://localhost:" + registryPort;
  }

  /** The partition of {@code jobs.events.v1} holding {@code user}'s events (keyed by user). */
  public int partitionOf(String user) {
    return Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** One user per partition ({@code <prefix>-<n>}), in partition order. */
  public List<String> usersOnEveryPartition(String prefix) {
    String[] byPartition = new String[partitions];
    int found = 0;
    for (int n = 0; found < partitions; n++) {
      String user = prefix + "-" + n;
      int p = partitionOf(user);
      if (byPartition[p] == null) {
        byPartition[p] = user;
        found++;
      }
    }
    return List.of(byPartition);
  }

  /** The {@code regen up} process (null on a platform made {@link #around} processes). */
  public RegenProcess process() {
    return up;
  }

  /** A valid token of {@code user} for an hour. */
  public static String token(String user) {
    return ISSUER.issue(user, List.of(), Duration.ofHours(1));
  }

  /** A valid token of {@code user} with {@code roles} (e.g. {@code analyst}) for an hour. */
  public static String token(String user, List<String> roles) {
    return ISSUER.issue(user, roles, Duration.ofHours(1));
  }

  /**
   * Starts one more {@code regen streams} instance (its own HTTP port and node id) on this
   * platform's cluster and registry, with {@code env} added last, and waits until it is healthy. It
   * joins the Streams application of {@code up} (same application id): give both {@code
   * REGEN_STREAMS_STANDBYS}.
   *
   * @return the instance; its HTTP port is {@code env}'s {@code PORT} when given
   */
  public RegenProcess startStreamsInstance(
      String nodeId, int httpPort, Path dataDir, Path log, Map<String, String> env)
      throws Exception {
    Map<String, String> streamsEnv = new HashMap<>();
    streamsEnv.put("REGEN_DATA_DIR", dataDir.toString());
    streamsEnv.putAll(env);
    return startRole("streams", nodeId, httpPort, log, streamsEnv);
  }

  /**
   * Starts a {@code regen gateway} of its own (its own HTTP port and node id) on this platform's
   * cluster and registry, its query API {@code up}'s, with {@code env} added last, and waits until
   * it is healthy. Started again on the same port, it is the same gateway restarted.
   */
  public RegenProcess startGateway(
      String nodeId, int httpPort, int managementPort, Path log, Map<String, String> env)
      throws Exception {
    Map<String, String> gatewayEnv = new HashMap<>();
    gatewayEnv.put("QUERY_API_URL", "http://localhost:" + httpPort());
    gatewayEnv.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
    gatewayEnv.putAll(env);
    return startRole("gateway", nodeId, httpPort, log, gatewayEnv);
  }

  private RegenProcess startRole(
      String role, String nodeId, int httpPort, Path log, Map<String, String> env)
      throws Exception {
    Map<String, String> roleEnv = new HashMap<>();
    roleEnv.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    roleEnv.put("SCHEMA_REGISTRY_URL", registryUrl());
    roleEnv.put("JWT_SECRET", SECRET);
    roleEnv.put("PORT", Integer.toString(httpPort));
    roleEnv.put("MANAGEMENT_SERVER_PORT", Integer.toString(FreePorts.next()));
    roleEnv.put("REGEN_NODE_ID", nodeId);
    roleEnv.putAll(env);
    RegenProcess process = RegenProcess.start(roleEnv, log, role);
    try {
      process.awaitHealthy(httpPort, Duration.ofMinutes(3));
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
    return process;
  }

  /** A welcomed WebSocket tab of {@code user}; see {@link WebSocketTab#open}. */
  public WebSocketTab openTab(String user) {
    return WebSocketTab.open(httpPort, user, token(user));
  }

  /** Traffic for {@code users} on this platform; see {@link SdkPublisher}. */
  public SdkPublisher publisher(String prefix, List<String> users, Duration interval) {
    return publisher(prefix, users, interval, 0);
  }

  /**
   * Traffic whose progress messages are about {@code messageChars} long; see {@link SdkPublisher}.
   */
  public SdkPublisher publisher(
      String prefix, List<String> users, Duration interval, int messageChars) {
    return new SdkPublisher(bootstrap, registryUrl(), prefix, users, interval, messageChars);
  }

  /** {@code GET <path>} on the platform's HTTP port with {@code user}'s token (5 s timeout). */
  public HttpResponse<String> get(String path, String user) throws Exception {
    return get(httpPort, path, token(user));
  }

  /** {@code POST <path>} of a JSON {@code body} with {@code user}'s token (10 s timeout). */
  public HttpResponse<String> post(String path, String user, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
            .header("Authorization", "Bearer " + token(user))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET <path>} on {@code port} with a bearer {@code token} (5 s timeout). */
  public static HttpResponse<String> get(int port, String path, String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Opens (and closes) a tab of {@code user} until one is welcomed, within {@code max}: the seconds
   * from {@code sinceNanos} ({@link System#nanoTime()}) until the welcome.
   */
  public double awaitWelcome(String user, long sinceNanos, Duration max) {
    long[] at = new long[1];
    await()
        .atMost(max)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              try (WebSocketTab probe = openTab(user)) {
                at[0] = System.nanoTime();
                return true;
              }
            });
    return (at[0] - sinceNanos) / 1e9;
  }

  /**
   * The value of the sample {@code name} (a Prometheus sample name with its labels, e.g. {@code
   * regen_presence_available}) on {@code up}'s {@code /actuator/prometheus}.
   *
   * @throws IllegalStateException when the endpoint does not answer 200 or has no such sample
   */
  public double metric(String name) throws Exception {
    return metric(managementPort, name);
  }

  /** {@link #metric(String)} of the actuator on {@code managementPort} (any Spring role). */
  public static double metric(int managementPort, String name) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
    }
    for (String line : response.body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new IllegalStateException("no sample " + name + " on /actuator/prometheus");
  }

  @Override
  public void close() {
    if (up != null) {
      up.close();
    }
  }
}
