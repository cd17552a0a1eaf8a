package io.regen.realtime.platform.ops;

import static io.regen.realtime.platform.ops.ComposeFile.command;
import static io.regen.realtime.platform.ops.ComposeFile.environment;
import static io.regen.realtime.platform.ops.ComposeFile.isPlatform;
import static io.regen.realtime.platform.ops.ComposeFile.role;
import static io.regen.realtime.platform.ops.ComposeFile.secretOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.kafka.BrokerSecurity;
import io.regen.realtime.platform.kafka.RoleAcls;
import io.regen.realtime.platform.testing.RepositoryFiles;
import io.regen.realtime.registry.RegistryAccess;
import io.regen.realtime.registry.RegistryServerOptions;
import io.regen.realtime.registry.RegistryUsers;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.RegistryClientSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} secured as {@code regen broker --sasl-users} is (docs/security.md),
 * checked against the code since no Docker engine runs here: the brokers' configuration is one
 * Kafka accepts (built into a {@link KafkaConfig}), SASL_PLAINTEXT/SCRAM-SHA-512 on every client
 * and broker listener, PLAIN between controllers, the StandardAuthorizer denying by default; every
 * role's service logs in with its own credential, one the brokers create at format time; the ACL
 * bootstrap creates exactly {@link RoleAcls#all()}; the registry's users authenticate every client
 * with write access; no secret is written in the file and {@code deploy/generate-env.sh} provides
 * each one.
 */
class ComposeSecurityTest {
  private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
  private static final String CLIENT_LISTENER = "CLIENT";
  private static final String SCRAM_PREFIX = "REGEN_SCRAM_";

  /** The Kafka user each role's clients log in as (RoleAcls' principals). */
  private static final Map<String, String> KAFKA_USER_OF_ROLE =
      Map.of(
          "topics", RoleAcls.ADMIN_USER,
          "registry", RoleAcls.REGISTRY_USER,
          "streams", RoleAcls.STREAMS_USER,
          "gateway", RoleAcls.GATEWAY_USER,
          "worker", RoleAcls.WORKER_USER);

  private static final Pattern SCRAM_JAAS =
      Pattern.compile(
          "org\\.apache\\.kafka\\.common\\.security\\.scram\\.ScramLoginModule required"
              + " username=\"([^\"]+)\" password=\"([^\"]+)\";");

  /** A broker's KAFKA_* variables as the apache/kafka image turns them into server.properties. */
  static Map<String, String> brokerProperties(Map<String, String> env) {
    Set<String> notConfigs = Set.of("KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_JMX_OPTS");
    Map<String, String> props = new LinkedHashMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("KAFKA_") && !notConfigs.contains(name)) {
            props.put(propertyName(name), value);
          }
        });
    return props;
  }

  static String propertyName(String variable) {
    return variable
        .substring("KAFKA_".length())
        .replace("___", "-")
        .replace("__", "\u0000")
        .replace('_', '.')
        .replace('\u0000', '_')
        .toLowerCase(Locale.ROOT);
  }

  @Test
  void theImageConvertsVariableNamesLikeItsOwnScript() {
    assertThat(propertyName("KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG"))
        .isEqualTo("listener.name.client.scram-sha-512.sasl.jaas.config");
    assertThat(propertyName("KAFKA_SUPER_USERS")).isEqualTo("super.users");
    assertThat(propertyName("KAFKA_SOME__UNDERSCORED_NAME")).isEqualTo("some_underscored.name");
  }

  @Test
  void everyBrokerVariableIsAKafkaSettingAndKafkaAcceptsTheConfiguration() throws Exception {
    Set<String> known = new HashSet<>(AbstractKafkaConfig.CONFIG_DEF.names());
    // the authorizer's own settings
    known.add(StandardAuthorizer.SUPER_USERS_CONFIG);
    known.add(StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG);
    for (String broker : BROKERS) {
      Map<String, String> props =
          brokerProperties(environment(ComposeFile.resolved().service(broker)));
      for (String name : props.keySet()) {
        String setting =
            name.replaceFirst("^listener\\.name\\.[a-z_]+\\.(scram-sha-512\\.|plain\\.)?", "");
        assertThat(known).as("%s: %s is a Kafka broker setting", broker, name).contains(setting);
      }
      KafkaConfig config = new KafkaConfig(props, false);
      assertThat(config.nodeId()).isEqualTo(Integer.parseInt(broker.substring("kafka-".length())));
    }
  }

  @Test
  void listenersAndTheProtocolMapAreConsistentAndEveryListenerIsSasl() throws Exception {
    for (String broker : BROKERS) {
      Map<String, String> p = brokerProperties(environment(ComposeFile.raw().service(broker)));
      Map<String, String> protocols = new HashMap<>();
      for (String entry : p.get("listener.security.protocol.map").split(",")) {
        String[] kv = entry.split(":");
        protocols.put(kv[0], kv[1]);
      }
      Set<String> listeners = listenerNames(p.get("listeners"));
      assertThat(protocols.keySet()).as(broker).isEqualTo(listeners);
      assertThat(protocols.values())
          .as("%s: no plaintext listener", broker)
          .containsOnly(SecurityProtocol.SASL_PLAINTEXT.name);
      assertThat(listenerNames(p.get("advertised.listeners"))).containsExactly(CLIENT_LISTENER);
      assertThat(p.get("inter.broker.listener.name")).isEqualTo(CLIENT_LISTENER);
      String controller = p.get("controller.listener.names");
      assertThat(listeners).containsExactlyInAnyOrder(CLIENT_LISTENER, controller);

      String client = "listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".";
      String scram = BrokerSecurity.SCRAM_MECHANISM;
      assertThat(p)
          .containsEntry(client + "sasl.enabled.mechanisms", scram)
          .containsEntry("sasl.mechanism.inter.broker.protocol", scram)
          .containsEntry(
              "listener.name." + controller.toLowerCase(Locale.ROOT) + ".sasl.enabled.mechanisms",
              "PLAIN")
          .containsEntry("sasl.mechanism.controller.protocol", "PLAIN")
          .containsEntry("authorizer.class.name", StandardAuthorizer.class.getName())
          .containsEntry(
              "super.users", "User:" + BrokerSecurity.BROKER_USER + ";User:" + RoleAcls.ADMIN_USER)
          .containsEntry("allow.everyone.if.no.acl.found", "false");
      Matcher jaas =
          SCRAM_JAAS.matcher(p.get(client + scram.toLowerCase(Locale.ROOT) + ".sasl.jaas.config"));
      assertThat(jaas.matches()).isTrue();
      assertThat(jaas.group(1)).isEqualTo(BrokerSecurity.BROKER_USER);
    }
  }

  private static Set<String> listenerNames(String listeners) {
    return Arrays.stream(listeners.split(","))
        .map(l -> l.substring(0, l.indexOf("://")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** User → password of the SCRAM credentials a broker creates at format time. */
  private static Map<String, String> scramUsers(Map<String, String> brokerEnv) {
    Map<String, String> users = new HashMap<>();
    brokerEnv.forEach(
        (name, value) -> {
          if (name.startsWith(SCRAM_PREFIX)) {
            users.put(name.substring(SCRAM_PREFIX.length()).toLowerCase(Locale.ROOT), value);
          }
        });
    return users;
  }

  @Test
  void everyServiceLogsInToKafkaWithItsRolesOwnCredentialWhichTheBrokersCreateAtFormatTime()
      throws Exception {
    ComposeFile compose = ComposeFile.resolved();
    Map<String, String> scram = scramUsers(environment(compose.service("kafka-1")));
    for (String broker : BROKERS) {
      Map<String, String> env = environment(compose.service(broker));
      assertThat(scramUsers(env)).as("the same credentials on %s", broker).isEqualTo(scram);
      assertThat(command(compose.service(broker)))
          .containsExactly("/bin/bash", "/opt/regen/kafka-sasl-start.sh");
      // the controllers' PLAIN login and the brokers' SCRAM login are the broker credential
      String controllerJaas =
          brokerProperties(env).get("listener.name.controller.plain.sasl.jaas.config");
      String brokerPassword = scram.get(BrokerSecurity.BROKER_USER);
      assertThat(controllerJaas)
          .contains("username=\"broker\" password=\"" + brokerPassword + "\"")
          .contains("user_broker=\"" + brokerPassword + "\"");
    }
    assertThat(scram).containsKeys(BrokerSecurity.BROKER_USER, RoleAcls.ADMIN_USER);
    assertThat(new HashSet<>(scram.values()))
        .as("one distinct password per user")
        .hasSameSizeAs(scram.keySet());

    Set<String> usersInUse = new TreeSet<>();
    int platform = 0;
    for (var entry : compose.services().entrySet()) {
      Map<String, Object> service = entry.getValue();
      if (!isPlatform(service)) {
        continue;
      }
      platform++;
      Map<String, String> env = environment(service);
      String name = entry.getKey();
      assertThat(env)
          .as(name)
          .containsEntry("KAFKA_SECURITY_PROTOCOL", SecurityProtocol.SASL_PLAINTEXT.name)
          .containsEntry("KAFKA_SASL_MECHANISM", BrokerSecurity.SCRAM_MECHANISM);
      Matcher jaas = SCRAM_JAAS.matcher(env.getOrDefault("KAFKA_SASL_JAAS_CONFIG", ""));
      assertThat(jaas.matches()).as("%s: a SCRAM login", name).isTrue();
      String user = jaas.group(1);
      assertThat(user)
          .as("the Kafka user of %s", name)
          .isEqualTo(KAFKA_USER_OF_ROLE.get(role(service)));
      assertThat(jaas.group(2))
          .as("%s: the password the brokers hold for %s", name, user)
          .isEqualTo(scram.get(user));
      // the clients accept these settings (KafkaClientConfigs refuses inconsistent ones at start)
      Map<String, Object> common =
          KafkaClientConfigs.of(env.get("KAFKA_BOOTSTRAP_SERVERS"), env).common();
      assertThat(common).containsEntry(SaslConfigs.SASL_MECHANISM, BrokerSecurity.SCRAM_MECHANISM);
      usersInUse.add(user);
    }
    assertThat(platform).isEqualTo(8);
    assertThat(usersInUse)
        .as("every role has its own credential")
        .containsExactlyInAnyOrderElementsOf(new HashSet<>(KAFKA_USER_OF_ROLE.values()));
    assertThat(scram.keySet()).containsAll(usersInUse);
  }

  /** ROLE_ACLS of the kafka-acls service, expanded to bindings. */
  private static Set<AclBinding> bootstrapAcls(Map<String, String> env) {
    Set<AclBinding> acls = new HashSet<>();
    for (String line : env.get("ROLE_ACLS").strip().split("\n")) {
      String[] f = line.strip().split("\\s+");
      assertThat(f).as(line).hasSize(5);
      ResourcePattern resource =
          new ResourcePattern(ResourceType.valueOf(f[1]), f[3], PatternType.valueOf(f[2]));
      for (String operation : f[4].split(",")) {
        acls.add(
            new AclBinding(
                resource,
                new AccessControlEntry(
                    f[0], "*", AclOperation.valueOf(operation), AclPermissionType.ALLOW)));
      }
    }
    return acls;
  }

  @Test
  void theAclBootstrapCreatesExactlyTheRoleAclsAsAdminBeforeAnyRoleStarts() throws Exception {
    ComposeFile compose = ComposeFile.resolved();
    Map<String, Object> bootstrap = compose.service("kafka-acls");
    Map<String, String> env = environment(bootstrap);
    assertThat(bootstrapAcls(env)).isEqualTo(new HashSet<>(RoleAcls.all()));
    assertThat(env.get("ADMIN_PASSWORD"))
        .isEqualTo(scramUsers(environment(compose.service("kafka-1"))).get(RoleAcls.ADMIN_USER));
    assertThat(command(bootstrap)).containsExactly("/bin/bash", "/opt/regen/kafka-role-acls.sh");
    assertThat(String.valueOf(bootstrap.get("volumes"))).contains("./deploy/kafka-role-acls.sh:");
    for (var entry : compose.services().entrySet()) {
      Map<String, Object> service = entry.getValue();
      if (isPlatform(service) && !"topics".equals(role(service))) {
        assertThat(dependsOn(service))
            .as("%s starts after the ACLs", entry.getKey())
            .containsEntry("kafka-acls", Map.of("condition", "service_completed_successfully"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> dependsOn(Map<String, Object> service) {
    Object dependsOn = service.get("depends_on");
    return dependsOn instanceof Map<?, ?> ? (Map<String, Object>) dependsOn : Map.of();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRegistryAuthenticatesEveryRoleThatUsesItWithWriteAccessAndAnonymousIsRefused()
      throws Exception {
    ComposeFile compose = ComposeFile.resolved();
    Map<String, Object> registry = compose.service("registry");
    Map<String, String> registryEnv = environment(registry);
    Map<String, Object> usersConfig =
        (Map<String, Object>) compose.section("configs").get("registry-users");
    RegistryUsers users = RegistryUsers.parse(String.valueOf(usersConfig.get("content")));
    List<Map<String, Object>> mounts = (List<Map<String, Object>>) registry.get("configs");
    assertThat(mounts)
        .containsExactly(
            Map.of(
                "source",
                "registry-users",
                "target",
                registryEnv.get(RegistryServerOptions.USERS_FILE_ENV)));
    assertThat(users.enabled()).isTrue();
    assertThat(users.authenticate(null)).isEmpty();
    assertThat(users.authenticate(basic("admin:" + secretOf("REGISTRY_ADMIN_PASSWORD"))))
        .contains(RegistryAccess.ADMIN);

    List<String> clients = new ArrayList<>();
    for (var entry : compose.services().entrySet()) {
      Map<String, String> env = environment(entry.getValue());
      if (!isPlatform(entry.getValue()) || !env.containsKey("SCHEMA_REGISTRY_URL")) {
        continue;
      }
      String userInfo = env.get(RegistryClientSettings.BASIC_AUTH_USER_INFO);
      assertThat(userInfo).as("%s has a registry credential", entry.getKey()).isNotNull();
      assertThat(userInfo).startsWith(KAFKA_USER_OF_ROLE.get(role(entry.getValue())) + ":");
      assertThat(users.authenticate(basic(userInfo)))
          .as("%s's credential", entry.getKey())
          .contains(RegistryAccess.WRITE);
      clients.add(entry.getKey());
    }
    assertThat(clients)
        .containsExactlyInAnyOrder(
            "streams-1", "streams-2", "gateway-1", "gateway-2", "worker-model", "worker-research");
    // anonymous requests are answered 401 once auth is on: that is what the health check expects
    assertThat(String.valueOf(((Map<String, Object>) registry.get("healthcheck")).get("test")))
        .contains("= 401");
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noSecretIsWrittenInTheFileAndGenerateEnvProvidesEveryRequiredVariable() throws Exception {
    ComposeFile raw = ComposeFile.raw();
    for (var entry : raw.services().entrySet()) {
      environment(entry.getValue())
          .forEach(
              (name, value) -> {
                boolean secret =
                    name.matches(".*(PASSWORD|SECRET|JAAS_CONFIG|USER_INFO).*")
                        || name.startsWith(SCRAM_PREFIX);
                if (secret && !value.isEmpty()) {
                  assertThat(ComposeFile.references(value))
                      .as("%s of %s comes from the environment", name, entry.getKey())
                      .isNotEmpty();
                  assertThat(value)
                      .as("%s of %s holds no literal password", name, entry.getKey())
                      .doesNotContainPattern("password=\"[^$]");
                }
              });
    }
    Set<String> required = raw.requiredVariables();
    assertThat(required)
        .contains(
            "JWT_SECRET",
            "KAFKA_BROKER_PASSWORD",
            "KAFKA_ADMIN_PASSWORD",
            "REGISTRY_ADMIN_PASSWORD");
    Map<String, String> generated = new HashMap<>();
    for (String line : run("bash", "deploy/generate-env.sh").split("\n")) {
      String[] kv = line.split("=", 2);
      generated.put(kv[0], kv[1]);
    }
    assertThat(generated.keySet()).containsExactlyInAnyOrderElementsOf(required);
    assertThat(generated.values()).allMatch(v -> v.matches("[0-9a-f]{48,}"));
    assertThat(new HashSet<>(generated.values())).hasSameSizeAs(generated.keySet());
    assertThat(generated.get("JWT_SECRET")).hasSizeGreaterThanOrEqualTo(64);
  }

  @Test
  void theDeployScriptsAreValidBash() throws Exception {
    for (String script :
        List.of(
            "deploy/kafka-sasl-start.sh", "deploy/kafka-role-acls.sh", "deploy/generate-env.sh")) {
      run("bash", "-n", script);
    }
  }

  /** Runs a command in the repository root; its output, or an assertion error naming it. */
  private static String run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(RepositoryFiles.root().toFile())
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), text).isZero();
    return text;
  }
}
