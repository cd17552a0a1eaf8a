package io.regen.realtime.platform.ops;

import static io.regen.realtime.platform.ops.ComposeFile.command;
import static io.regen.realtime.platform.ops.ComposeFile.environment;
import static io.regen.realtime.platform.ops.ComposeFile.isPlatform;
import static io.regen.realtime.platform.ops.ComposeFile.role;
import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.app.AppProperties;
import io.regen.realtime.platform.app.MetricsServer;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.roles.SpringRole;
import io.regen.realtime.platform.testing.RepositoryFiles;
import io.regen.realtime.registry.RegistryServerOptions;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.RegistryClientSettings;
import io.regen.realtime.workers.OpenAiSettings;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker-compose.yml} and {@code runbooks/prometheus.yml} against the code: every variable a
 * platform service sets is one its role reads (a launcher variable, or a Spring property of that
 * role's {@code @ConfigurationProperties}), ports are the role's, {@code depends_on} names
 * services, images are pinned, the brokers are a KRaft cluster with RF 3 / min ISR 2, and
 * Prometheus scrapes every role that serves metrics, on its port.
 */
class ComposeFileTest {
  /** The launcher variables each role reads (see the roles in io.regen.realtime.platform.roles). */
  private static final Map<String, Set<String>> LAUNCHER_VARIABLES =
      Map.of(
          "topics",
          Set.of(RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS, RegenEnvironment.TOPIC_PARTITIONS),
          "registry",
          Set.of(
              RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS,
              RegenEnvironment.SCHEMA_REGISTRY_PORT,
              RegistryServerOptions.USERS_FILE_ENV,
              MetricsServer.METRICS_PORT),
          "worker",
          Set.of(
              RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS,
              RegenEnvironment.SCHEMA_REGISTRY_URL,
              RegenEnvironment.REGEN_NODE_ID,
              MetricsServer.METRICS_PORT,
              OpenAiSettings.OPENAI_BASE_URL,
              OpenAiSettings.OPENAI_API_KEY,
              OpenAiSettings.REGEN_MODEL),
          "streams",
          Set.of(
              RegenEnvironment.PORT,
              RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS,
              RegenEnvironment.SCHEMA_REGISTRY_URL,
              RegenEnvironment.JWT_SECRET,
              RegenEnvironment.REGEN_NODE_ID,
              RegenEnvironment.REGEN_DATA_DIR),
          "gateway",
          Set.of(
              RegenEnvironment.PORT,
              RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS,
              RegenEnvironment.SCHEMA_REGISTRY_URL,
              RegenEnvironment.JWT_SECRET,
              RegenEnvironment.REGEN_NODE_ID,
              RegenEnvironment.REDIS_URL,
              RegenEnvironment.FRONTEND_ORIGIN,
              SpringRole.QUERY_API_URL));

  /** The Spring property prefixes that only one role's application binds. */
  private static final Map<String, List<String>> SPRING_PREFIXES =
      Map.of(
          "streams", List.of("regen.streams", "server", "management.server"),
          "gateway",
              List.of(
                  "regen.gateway",
                  "regen.gateway.delivery",
                  "regen.gateway.edge",
                  "regen.presence",
                  "server",
                  "management.server"));

  /**
   * Read by every JVM, and by every role's Kafka clients (KafkaClientConfigs: the security settings
   * of a secured cluster).
   */
  private static final Set<String> JVM_VARIABLES = jvmVariables();

  /** Read by the schema registry clients of the roles that use the registry. */
  private static final Set<String> REGISTRY_CLIENT_VARIABLES =
      Set.of(RegistryClientSettings.BASIC_AUTH_USER_INFO);

  private static Set<String> jvmVariables() {
    Set<String> variables = new HashSet<>(KafkaClientConfigs.ENV_TO_CONFIG.keySet());
    variables.add(KafkaClientConfigs.PROPERTIES_FILE_ENV);
    variables.add("JAVA_TOOL_OPTIONS");
    return Set.copyOf(variables);
  }

  private static Map<String, Map<String, Object>> services() throws Exception {
    return ComposeFile.raw().services();
  }

  /** {@code @ConfigurationProperties} prefix → its property names without separators. */
  private static Map<String, Set<String>> configurationProperties() throws Exception {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    List<Class<?>> classes = new ArrayList<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents("io.regen.realtime")) {
      classes.add(Class.forName(candidate.getBeanClassName()));
    }
    classes.add(ServerProperties.class);
    classes.add(ManagementServerProperties.class);
    Map<String, Set<String>> byPrefix = new LinkedHashMap<>();
    for (Class<?> type : classes) {
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      String prefix = annotation.value().isEmpty() ? annotation.prefix() : annotation.value();
      Set<String> names = byPrefix.computeIfAbsent(prefix, p -> new HashSet<>());
      if (type.isRecord()) {
        for (RecordComponent c : type.getRecordComponents()) {
          names.add(c.getName().toLowerCase(Locale.ROOT));
        }
      } else {
        for (Field f : type.getDeclaredFields()) {
          names.add(f.getName().toLowerCase(Locale.ROOT));
        }
      }
    }
    return byPrefix;
  }

  /** Whether {@code variable} binds to a property of a class under one of {@code prefixes}. */
  private static boolean bindsToSpringProperty(
      String variable, List<String> prefixes, Map<String, Set<String>> properties) {
    for (String prefix : prefixes) {
      String envPrefix = prefix.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_") + "_";
      Set<String> names = properties.get(prefix);
      if (names != null && variable.startsWith(envPrefix)) {
        String rest =
            variable.substring(envPrefix.length()).replace("_", "").toLowerCase(Locale.ROOT);
        if (names.contains(rest)) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void everyVariableAPlatformServiceSetsIsOneItsRoleReads() throws Exception {
    Map<String, Set<String>> properties = configurationProperties();
    assertThat(properties).containsKeys("regen.streams", "regen.gateway", "server");
    List<String> unknown = new ArrayList<>();
    int platformServices = 0;
    for (var entry : services().entrySet()) {
      Map<String, Object> service = entry.getValue();
      if (!isPlatform(service)) {
        continue;
      }
      platformServices++;
      String role = role(service);
      assertThat(LAUNCHER_VARIABLES).as("role of %s", entry.getKey()).containsKey(role);
      for (String variable : environment(service).keySet()) {
        boolean known =
            JVM_VARIABLES.contains(variable)
                || LAUNCHER_VARIABLES.get(role).contains(variable)
                || (environment(service).containsKey(RegenEnvironment.SCHEMA_REGISTRY_URL)
                    && REGISTRY_CLIENT_VARIABLES.contains(variable))
                || bindsToSpringProperty(
                    variable, SPRING_PREFIXES.getOrDefault(role, List.of()), properties);
        if (!known) {
          unknown.add(entry.getKey() + " (" + role + "): " + variable);
        }
      }
    }
    assertThat(platformServices).isEqualTo(8);
    assertThat(unknown).as("variables no role reads").isEmpty();
  }

  @Test
  void theRolesAreAllThereTwoGatewaysTwoStreamsWithStandbysAndBothWorkers() throws Exception {
    Map<String, Map<String, Object>> services = services();
    Map<String, List<String>> roles = new LinkedHashMap<>();
    services.forEach(
        (name, s) -> {
          if (isPlatform(s)) {
            roles.computeIfAbsent(String.join(" ", command(s)), r -> new ArrayList<>()).add(name);
          }
        });
    assertThat(roles)
        .containsEntry("gateway", List.of("gateway-1", "gateway-2"))
        .containsEntry("streams", List.of("streams-1", "streams-2"))
        .containsEntry("worker --type model", List.of("worker-model"))
        .containsEntry("worker --type research", List.of("worker-research"))
        .containsEntry("registry", List.of("registry"))
        .containsEntry("topics", List.of("topics"));
    Set<String> nodeIds = new HashSet<>();
    for (String name : List.of("streams-1", "streams-2")) {
      Map<String, String> env = environment(services.get(name));
      assertThat(env).containsEntry("REGEN_STREAMS_STANDBYS", "1");
      assertThat(env.get("REGEN_STREAMS_ADVERTISED_HOST")).isEqualTo(name);
      nodeIds.add(env.get(RegenEnvironment.REGEN_NODE_ID));
    }
    for (String name : List.of("gateway-1", "gateway-2")) {
      Map<String, String> env = environment(services.get(name));
      String queryApi = env.get(SpringRole.QUERY_API_URL);
      Matcher m = Pattern.compile("http://([^:]+):(\\d+)").matcher(queryApi);
      assertThat(m.matches()).as(queryApi).isTrue();
      assertThat(services.get(m.group(1))).as("QUERY_API_URL of %s", name).isNotNull();
      assertThat(command(services.get(m.group(1)))).containsExactly("streams");
      assertThat(Integer.parseInt(m.group(2))).isEqualTo(httpPort(services.get(m.group(1))));
      nodeIds.add(env.get(RegenEnvironment.REGEN_NODE_ID));
    }
    assertThat(nodeIds).as("unique REGEN_NODE_IDs").hasSize(4);
  }

  /** The port a Spring role serves metrics on: MANAGEMENT_SERVER_PORT, else PORT + 1000. */
  private static int managementPort(Map<String, Object> service) {
    String port = environment(service).get("MANAGEMENT_SERVER_PORT");
    return port != null ? Integer.parseInt(port) : AppProperties.managementPort(httpPort(service));
  }

  /** The HTTP port a Spring role listens on: PORT, else the role's default. */
  private static int httpPort(Map<String, Object> service) {
    String port = environment(service).get(RegenEnvironment.PORT);
    if (port != null) {
      return Integer.parseInt(port);
    }
    return "streams".equals(role(service))
        ? RegenEnvironment.DEFAULT_STREAMS_PORT
        : RegenEnvironment.DEFAULT_PORT;
  }

  @Test
  @SuppressWarnings("unchecked")
  void exposedPortsAreTheRolesPorts() throws Exception {
    for (var entry : services().entrySet()) {
      Map<String, Object> service = entry.getValue();
      if (!isPlatform(service) || service.get("expose") == null) {
        continue;
      }
      List<Object> expose = (List<Object>) service.get("expose");
      List<String> expected = new ArrayList<>();
      switch (role(service)) {
        case "registry" ->
            expected.add(
                environment(service)
                    .getOrDefault(
                        RegenEnvironment.SCHEMA_REGISTRY_PORT,
                        String.valueOf(RegenEnvironment.DEFAULT_SCHEMA_REGISTRY_PORT)));
        case "gateway", "streams" -> expected.add(String.valueOf(httpPort(service)));
        default -> {}
      }
      String metricsPort = environment(service).get(MetricsServer.METRICS_PORT);
      if (metricsPort != null) {
        expected.add(metricsPort);
      }
      assertThat(expose).as("ports of %s", entry.getKey()).containsExactlyElementsOf(expected);
    }
    Map<String, Object> proxy = services().get("proxy");
    assertThat((List<Object>) proxy.get("ports")).containsExactly("8080:80");
  }

  @Test
  @SuppressWarnings("unchecked")
  void dependsOnNamesServicesAndEveryImageIsPinned() throws Exception {
    Map<String, Map<String, Object>> services = services();
    for (var entry : services.entrySet()) {
      Object dependsOn = entry.getValue().get("depends_on");
      Collection<String> names =
          dependsOn instanceof Map<?, ?> map
              ? (Collection<String>) map.keySet()
              : dependsOn == null ? List.of() : (List<String>) dependsOn;
      for (String name : names) {
        assertThat(services).as("%s depends on %s", entry.getKey(), name).containsKey(name);
      }
      String image = String.valueOf(entry.getValue().get("image"));
      assertThat(image)
          .as("image of %s is pinned to a version", entry.getKey())
          .matches("[a-z0-9./_-]+:v?\\d+(\\.\\d+)+[a-z0-9._-]*");
    }
  }

  @Test
  void threeKraftBrokersWithReplicationThreeAndMinIsrTwo() throws Exception {
    Map<String, Map<String, Object>> services = services();
    List<String> brokers =
        services.keySet().stream().filter(n -> n.matches("kafka-\\d+")).sorted().toList();
    assertThat(brokers).containsExactly("kafka-1", "kafka-2", "kafka-3");
    for (String broker : brokers) {
      Map<String, String> env = environment(services.get(broker));
      assertThat(env)
          .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
          .containsEntry(
              "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .containsEntry("KAFKA_NODE_ID", broker.substring("kafka-".length()));
      assertThat(String.valueOf(services.get(broker).get("image"))).startsWith("apache/kafka:");
    }
    assertThat(environment(services.get("gateway-1")).get(RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS))
        .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryRoleThatServesMetricsOnItsPortAndLoadsTheAlerts() throws Exception {
    Map<String, Map<String, Object>> services = services();
    Map<String, Object> prometheus =
        new Yaml().load(Files.readString(RepositoryFiles.resolve("runbooks/prometheus.yml")));
    assertThat((List<String>) prometheus.get("rule_files")).containsExactly("alerts.yml");
    Set<String> scraped = new HashSet<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
      Object path = job.get("metrics_path");
      for (Map<String, Object> config : (List<Map<String, Object>>) job.get("static_configs")) {
        for (String target : (List<String>) config.get("targets")) {
          String[] hostPort = target.split(":");
          Map<String, Object> service = services.get(hostPort[0]);
          assertThat(service).as("target %s is a service", target).isNotNull();
          boolean spring = Set.of("gateway", "streams").contains(role(service));
          // Spring roles: actuator on the management port; registry and workers: /metrics on
          // METRICS_PORT
          assertThat(path)
              .as("path of %s", target)
              .isEqualTo(spring ? "/actuator/prometheus" : MetricsServer.PATH);
          int port =
              spring
                  ? managementPort(service)
                  : Integer.parseInt(environment(service).get(MetricsServer.METRICS_PORT));
          assertThat(Integer.parseInt(hostPort[1])).as(target).isEqualTo(port);
          scraped.add(hostPort[0]);
        }
      }
    }
    List<String> longRunning =
        services.entrySet().stream()
            .filter(e -> isPlatform(e.getValue()))
            .filter(e -> !"topics".equals(role(e.getValue())))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(scraped)
        .as("every role is scraped")
        .containsExactlyInAnyOrderElementsOf(longRunning);
    assertThat(String.valueOf(services.get("prometheus").get("volumes"))).contains("alerts.yml");
  }
}
