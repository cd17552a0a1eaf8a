package io.regen.realtime.platform.roles;

import io.micrometer.core.instrument.Metrics;
import io.regen.realtime.platform.app.AppProperties;
import io.regen.realtime.platform.app.ComponentHealth;
import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.config.DevSecret;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.config.UpSettings;
import io.regen.realtime.platform.kafka.BrokerSecurity;
import io.regen.realtime.platform.kafka.EmbeddedKraftBroker;
import io.regen.realtime.platform.kafka.PlatformTopics;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;
import io.regen.realtime.registry.RegistryServerOptions;
import io.regen.realtime.registry.SchemaRegistryServer;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.Durability;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.kafka.TopicProvisioning;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.streams.StreamsSettings;
import io.regen.realtime.workers.OpenAiSettings;
import io.regen.realtime.workers.ReferenceWorkers;
import io.regen.realtime.workers.RunningWorker;
import io.regen.realtime.workers.WorkerSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code regen up}: the whole platform in one process. Starts, in order, the embedded KRaft broker
 * (unless {@code KAFKA_BOOTSTRAP_SERVERS}), the schema registry (unless {@code
 * SCHEMA_REGISTRY_URL}), the topics, the Spring application (gateway, stream processors, query API,
 * actuator) and the reference workers; stops them in the reverse order.
 */
public final class UpRole implements Role {
  static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(90);

  /** The reference workers {@code up} runs, in start order. */
  static final List<String> WORKER_TYPES = List.of("model", "research");

  @Override
  public String name() {
    return "up";
  }

  @Override
  public String usage() {
    return "        (PORT, SCHEMA_REGISTRY_PORT, KAFKA_PORT, REGEN_DATA_DIR, ... see README)";
  }

  @Override
  public String summary() {
    return "start everything: Kafka broker, schema registry, gateway, stream processors, workers";
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception {
    commandLine.expect(0, Set.of());
    UpSettings settings = UpSettings.from(env);
    Files.createDirectories(settings.dataDir());
    ShutdownSequence shutdown = new ShutdownSequence().installHooks();
    try {
      start(settings, env, shutdown);
    } catch (Exception | Error e) {
      shutdown.closeAll();
      throw e;
    }
    shutdown.awaitClosed();
    return 0;
  }

  /**
   * With SASL on the embedded broker, {@code up}'s own clients (registry store, topics, Streams,
   * gateway, workers) log in like any other: without a credential every one of them would fail only
   * after its own timeout, so {@code up} refuses to start and names what to set.
   */
  static void requireClientCredential(BrokerSecurity security, RegenEnvironment env) {
    if (!security.enabled()) {
      return;
    }
    Object protocol =
        KafkaClientConfigs.of("localhost:" + RegenEnvironment.DEFAULT_KAFKA_PORT, env.asMap())
            .common()
            .get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    if (!"SASL_PLAINTEXT".equals(protocol)) {
      throw new IllegalArgumentException(
          RegenEnvironment.KAFKA_SASL_USERS_FILE
              + " secures the embedded broker (SASL_PLAINTEXT, "
              + BrokerSecurity.SCRAM_MECHANISM
              + "), but up's own Kafka clients have security.protocol "
              + (protocol == null ? "PLAINTEXT" : protocol)
              + ": give them the admin credential in a "
              + KafkaClientConfigs.PROPERTIES_FILE_ENV
              + " file or KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT, KAFKA_SASL_MECHANISM="
              + BrokerSecurity.SCRAM_MECHANISM
              + " and KAFKA_SASL_JAAS_CONFIG (see docs/security.md)");
    }
  }

  private void start(UpSettings settings, RegenEnvironment env, ShutdownSequence shutdown)
      throws Exception {
    Map<String, HealthIndicator> health = new LinkedHashMap<>();
    Console.line("data directory %s", settings.dataDir());

    String bootstrap;
    if (settings.externalBootstrapServers().isPresent()) {
      bootstrap = settings.externalBootstrapServers().get();
      Console.line("Kafka: using the cluster at %s (no embedded broker)", bootstrap);
    } else {
      requireClientCredential(settings.embeddedBroker().security(), env);
      EmbeddedKraftBroker broker =
          shutdown.add("Kafka broker", new EmbeddedKraftBroker(settings.embeddedBroker()));
      broker.start().awaitReady(BROKER_READY_TIMEOUT);
      broker.applyRoleAcls(BROKER_READY_TIMEOUT);
      bootstrap = broker.bootstrapServers();
      health.put(
          "kafkaBrokerHealthIndicator",
          new ComponentHealth(broker::isReady, Map.of("bootstrapServers", bootstrap)));
      Console.line(
          "Kafka broker (KRaft) on %s, data in %s", bootstrap, settings.embeddedBroker().logDir());
    }

    Durability durability = PlatformTopics.durability(env, bootstrap);
    String registryUrl;
    if (settings.externalSchemaRegistryUrl().isPresent()) {
      registryUrl = settings.externalSchemaRegistryUrl().get();
      Console.line("schema registry: using %s (no embedded registry)", registryUrl);
    } else {
      SchemaRegistryServer registry =
          shutdown.add(
              "schema registry",
              new SchemaRegistryServer(
                      bootstrap,
                      RegistryServerOptions.fromEnvironment(
                          env.asMap(),
                          settings.schemaRegistryPort(),
                          RegistryServerOptions.LOOPBACK))
                  .withDurability(durability));
      registry.start();
      registryUrl = registry.url();
      health.put(
          "schemaRegistryHealthIndicator",
          new ComponentHealth(registry::isReady, Map.of("url", registryUrl)));
      Console.line("schema registry on %s", registryUrl);
    }

    List<String> created;
    short replication;
    try (Admin admin = PlatformTopics.admin(env, bootstrap)) {
      TopicProvisioning topics = PlatformTopics.provisioning(admin, durability);
      created =
          topics.ensure(
              PlatformTopics.specs(settings.topicPartitions(), PlatformTopics.retention(env)));
      PlatformTopics.checkEventPartitions(topics, StreamsSettings.DEFAULT_APPLICATION_ID);
      replication = topics.replicationFactor();
    }
    Console.line(
        "topics %s%s, replication %d",
        Topics.provisioned().stream().map(t -> t.name()).toList(),
        created.isEmpty() ? " (existing)" : " (created " + created + ")",
        replication);

    String secret = env.get(RegenEnvironment.JWT_PUBLIC_KEY).isPresent() ? null : jwtSecret(env);
    String nodeId = NodeId.of(env, settings.httpPort());
    AppProperties.Endpoints endpoints =
        new AppProperties.Endpoints(bootstrap, registryUrl, settings.httpPort(), secret, nodeId);
    Map<String, Object> properties = AppProperties.of(AppProperties.Mode.UP, env, endpoints);
    properties.put("regen.streams.state-dir", settings.streamsStateDir().toString());
    properties.put("regen.streams.replication-factor", replication);
    List<RunningWorker> workers = new CopyOnWriteArrayList<>();
    health.put(
        "workersHealthIndicator",
        new ComponentHealth(
            () ->
                workers.size() == WORKER_TYPES.size()
                    && workers.stream().allMatch(RunningWorker::isReady),
            Map.of("types", WORKER_TYPES)));
    ConfigurableApplicationContext app =
        shutdown.add("HTTP application", SpringApp.start(properties, health));
    Console.line(
        "HTTP on http://localhost:%d (WebSocket /ws, REST /api, /actuator/health); metrics on"
            + " http://%s:%s/actuator/prometheus",
        settings.httpPort(),
        app.getEnvironment().getProperty("management.server.address"),
        app.getEnvironment().getProperty("management.server.port"));

    HttpSchemaRegistryClient registryClient = new HttpSchemaRegistryClient(registryUrl);
    Optional<OpenAiSettings> openAi = OpenAiSettings.fromEnvironment(env::get);
    for (String type : WORKER_TYPES) {
      workers.add(
          shutdown.add(
              type + " worker",
              ReferenceWorkers.start(
                  type,
                  WorkerSettings.of(bootstrap, registryClient, nodeId + "-" + type),
                  openAi)));
    }
    workers.forEach(worker -> WorkerMeters.bind(worker, Metrics.globalRegistry));
    Console.line("reference workers %s consuming job requests", WORKER_TYPES);
    openAi.ifPresent(s -> Console.line("model worker streams from %s", s));

    if (SpringApp.awaitHealthy(app)) {
      Console.line(
          "ready in %.1f s: health UP at http://localhost:%d/actuator/health (Ctrl-C stops it)",
          Console.secondsSinceJvmStart(), settings.httpPort());
    }
  }

  private static String jwtSecret(RegenEnvironment env) {
    if (env.get(RegenEnvironment.JWT_SECRET).isEmpty()) {
      Console.line(
          "JWT_SECRET not set: using the dev secret in %s (./regen token <user> signs with it)",
          env.dataDir().resolve(DevSecret.FILE_NAME));
    }
    return DevSecret.resolve(env);
  }
}
