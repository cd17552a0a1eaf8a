package io.regen.realtime.platform.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.PromQl;
import io.regen.realtime.platform.testing.Promtool;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.platform.testing.RepositoryFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What operators rely on, checked on ONE running {@code regen up} plus a {@code regen gateway}
 * started against it (the split deployment of {@code runbooks/cluster.md}): the gateway serves the
 * query API's paths by forwarding them (one base URL); {@code promtool check metrics} is clean on
 * both; every metric the Grafana dashboard, the alert rules and the runbooks name exists.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class UpOperationsIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SECRET = "ops-it-secret-0123456789-0123456789-abcdef";
  private static final Pattern RUNBOOK_METRIC =
      Pattern.compile(
          "\\b(?:delivery|kafka|regen|streams|jvm|process|http|active|gateway)_[a-z0-9_]+");

  private static final int upPort = FreePorts.next();
  private static final int gatewayPort = FreePorts.next();
  // Metrics are served on the management listener, never on the public port.
  private static final int upManagementPort = FreePorts.next();
  private static final int gatewayManagementPort = FreePorts.next();
  private static final int registryPort = FreePorts.next();
  private static final int kafkaPort = FreePorts.next();
  private static final int controllerPort = FreePorts.next();
  private static final String userId = "ops-" + UUID.randomUUID();
  private static Path dataDir;
  private static RegenProcess up;
  private static RegenProcess gateway;
  private static String token;
  private static String jobId;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("regen-ops-it");
    Map<String, String> upEnv = new HashMap<>(common());
    upEnv.put("PORT", Integer.toString(upPort));
    upEnv.put("MANAGEMENT_SERVER_PORT", Integer.toString(upManagementPort));
    upEnv.put("SCHEMA_REGISTRY_PORT", Integer.toString(registryPort));
    upEnv.put("KAFKA_PORT", Integer.toString(kafkaPort));
    upEnv.put("KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
    upEnv.put("REGEN_DATA_DIR", dataDir.toString());
    upEnv.put("TOPIC_PARTITIONS", "3");
    up = RegenProcess.start(upEnv, log("up"), "up");
    up.awaitHealthy(upPort, START_TIMEOUT);

    Map<String, String> gatewayEnv = new HashMap<>(common());
    gatewayEnv.put("PORT", Integer.toString(gatewayPort));
    gatewayEnv.put("MANAGEMENT_SERVER_PORT", Integer.toString(gatewayManagementPort));
    gatewayEnv.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + kafkaPort);
    gatewayEnv.put("SCHEMA_REGISTRY_URL", "http://localhost:" + registryPort);
    gatewayEnv.put("QUERY_API_URL", "http://localhost:" + upPort);
    gatewayEnv.put("REGEN_NODE_ID", "split-gateway");
    gateway = RegenProcess.start(gatewayEnv, log("gateway"), "gateway");
    gateway.awaitHealthy(gatewayPort, START_TIMEOUT);

    String output = RegenProcess.runToCompletion(common(), log("token"), "token", userId);
    String[] lines = output.strip().split("\n");
    token = lines[lines.length - 1].strip();

    // A job started through the split gateway, run by up's model worker, folded by up's streams.
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(uri(gatewayPort, "/api/jobs"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jobType\":\"model\",\"input\":{\"prompt\":\"ops\",\"chunks\":\"5\"}}")));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    jobId = JsonMapper.builder().build().readTree(started.body()).path("jobId").asString();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> get(upPort, "/api/job/" + jobId + "/state", token).body().contains("COMPLETED"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (RegenProcess p : new RegenProcess[] {gateway, up}) {
      if (p != null) {
        p.terminate(Duration.ofSeconds(90));
      }
    }
  }

  private static Map<String, String> common() {
    return Map.of("JWT_SECRET", SECRET);
  }

  private static Path log(String name) {
    return Path.of("target", "up-operations-it", name + "-" + System.currentTimeMillis() + ".log");
  }

  private static URI uri(int port, String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(int port, String path, String bearer)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, path)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request);
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = get(port, "/actuator/prometheus", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The series names of an exposition. */
  private static Set<String> names(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  private static Set<String> allNames() throws Exception {
    Set<String> names = names(scrape(upManagementPort));
    names.addAll(names(scrape(gatewayManagementPort)));
    return names;
  }

  @Test
  void theSplitGatewayServesTheQueryApiWithTheCallersToken() throws Exception {
    HttpResponse<String> state = get(gatewayPort, "/api/job/" + jobId + "/state", token);
    assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
    assertThat(state.body()).contains(jobId, "COMPLETED");
    assertThat(state.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));

    // The user's job list is its own store, folded on its own schedule: the state being COMPLETED
    // (what start() waited for) says nothing about it.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> mine = get(gatewayPort, "/api/users/me/jobs", token);
              assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
              assertThat(mine.body()).contains(jobId);
            });

    assertThat(get(gatewayPort, "/api/job/" + jobId + "/status", token).statusCode())
        .isEqualTo(200);
    assertThat(get(gatewayPort, "/api/job/" + jobId + "/state", null).statusCode())
        .as("no token: the query API's 401")
        .isEqualTo(401);
    assertThat(get(gatewayPort, "/api/analytics/dau", token).statusCode())
        .as("not an analyst: the query API's 403")
        .isEqualTo(get(upPort, "/api/analytics/dau", token).statusCode())
        .isEqualTo(403);
    // The gateway's own job paths stay its own.
    HttpResponse<String> history = get(gatewayPort, "/api/job/" + jobId + "/events", token);
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    assertThat(history.body()).contains("job:completed:v1");
  }

  @Test
  void promtoolCheckMetricsIsCleanOnUpAndOnTheGateway() throws Exception {
    assertThat(Promtool.checkMetrics(scrape(upManagementPort))).as("promtool on up").isEmpty();
    assertThat(Promtool.checkMetrics(scrape(gatewayManagementPort)))
        .as("promtool on gateway")
        .isEmpty();
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesExists() throws Exception {
    JsonNode dashboard =
        JsonMapper.builder()
            .build()
            .readTree(
                Files.readString(RepositoryFiles.resolve("runbooks/grafana/regen-dashboard.json")));
    List<String> exprs = new ArrayList<>();
    collectExprs(dashboard, exprs);
    assertThat(exprs).hasSizeGreaterThan(10);
    Set<String> queried = new TreeSet<>();
    exprs.forEach(e -> queried.addAll(PromQl.metricNames(e)));
    // Job and model metrics appear once the query layer folded the job above.
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(allNames()).containsAll(queried));
  }

  @Test
  void everyMetricTheAlertRulesAndRunbooksNameExists() throws Exception {
    Set<String> named = new TreeSet<>();
    Map<String, Object> alerts =
        new Yaml().load(Files.readString(RepositoryFiles.resolve("runbooks/alerts.yml")));
    collectAlertExprs(alerts, named);
    assertThat(named).contains("regen_kafka_under_replicated_partitions");
    try (Stream<Path> pages = Files.list(RepositoryFiles.resolve("runbooks"))) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).toList()) {
        Matcher m = RUNBOOK_METRIC.matcher(Files.readString(page));
        while (m.find()) {
          named.add(m.group());
        }
      }
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(allNames()).containsAll(named));
  }

  @Test
  void kafkaStoreMetricsAreExportedOnlyForSizesAndStalls() throws Exception {
    // Store metrics appear once the tasks' stores are open and Micrometer's binder has seen
    // them (it re-checks Kafka's metrics every 60 s): wait for the kept ones, then look at the
    // same exposition for the ones that are off by default.
    String[] exposition = new String[1];
    await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () -> {
              exposition[0] = scrape(upManagementPort);
              // Task meters come and go with the tasks (a rebalance re-creates them), so the
              // kept task and thread meters are waited for in the same exposition as the stores'.
              assertThat(names(exposition[0]))
                  .contains(
                      "kafka_stream_state_total_sst_files_size",
                      "kafka_stream_state_size_all_mem_tables",
                      "kafka_stream_state_write_stall_duration_total",
                      "kafka_stream_alive_stream_threads",
                      "kafka_stream_task_dropped_records_total");
            });
    Set<String> names = names(exposition[0]);
    assertThat(names)
        .noneMatch(n -> n.startsWith("kafka_stream_state_put"))
        .noneMatch(n -> n.startsWith("kafka_stream_state_get"))
        .noneMatch(n -> n.startsWith("kafka_stream_processor_"))
        .noneMatch(n -> n.startsWith("kafka_stream_record_cache"));
  }

  private static void collectExprs(JsonNode node, List<String> exprs) {
    if (node.isObject()) {
      JsonNode expr = node.get("expr");
      if (expr != null && expr.isString()) {
        exprs.add(expr.asString());
      }
      node.values().forEach(child -> collectExprs(child, exprs));
    } else if (node.isArray()) {
      node.forEach(child -> collectExprs(child, exprs));
    }
  }

  @SuppressWarnings("unchecked")
  private static void collectAlertExprs(Object node, Set<String> names) {
    if (node instanceof Map<?, ?> map) {
      Object expr = map.get("expr");
      if (expr != null) {
        names.addAll(PromQl.metricNames(expr.toString()));
      }
      map.values().forEach(v -> collectAlertExprs(v, names));
    } else if (node instanceof List<?> list) {
      list.forEach(v -> collectAlertExprs(v, names));
    }
  }
}
