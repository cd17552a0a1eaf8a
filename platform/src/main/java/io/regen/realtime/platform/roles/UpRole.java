package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.app.AppProperties;
import io.regen.realtime.platform.app.ComponentHealth;
import io.regen.realtime.platform.app.PlatformApplication;
import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.config.DevSecret;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.config.UpSettings;
import io.regen.realtime.platform.kafka.EmbeddedKraftBroker;
import io.regen.realtime.platform.kafka.TopicProvisioner;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;
import io.regen.realtime.registry.SchemaRegistryServer;
import io.regen.realtime.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code regen up}: the whole platform in one process. Starts, in order, the embedded KRaft broker
 * (unless {@code KAFKA_BOOTSTRAP_SERVERS}), the schema registry (unless {@code
 * SCHEMA_REGISTRY_URL}), the topics, the Spring application (gateway, stream processors, query API,
 * actuator) and the reference workers; stops them in the reverse order.
 */
public final class UpRole implements Role {
  static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(90);
  static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(180);

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

  private void start(UpSettings settings, RegenEnvironment env, ShutdownSequence shutdown)
      throws Exception {
    Map<String, HealthIndicator> health = new LinkedHashMap<>();
    Console.line("data directory %s", settings.dataDir());

    String bootstrap;
    if (settings.externalBootstrapServers().isPresent()) {
      bootstrap = settings.externalBootstrapServers().get();
      Console.line("Kafka: using the cluster at %s (no embedded broker)", bootstrap);
    } else {
      EmbeddedKraftBroker broker =
          shutdown.add("Kafka broker", new EmbeddedKraftBroker(settings.embeddedBroker()));
      broker.start().awaitReady(BROKER_READY_TIMEOUT);
      bootstrap = broker.bootstrapServers();
      health.put(
          "kafkaBrokerHealthIndicator",
          new ComponentHealth(broker::isReady, Map.of("bootstrapServers", bootstrap)));
      Console.line(
          "Kafka broker (KRaft) on %s, data in %s", bootstrap, settings.embeddedBroker().logDir());
    }

    String registryUrl;
    if (settings.externalSchemaRegistryUrl().isPresent()) {
      registryUrl = settings.externalSchemaRegistryUrl().get();
      Console.line("schema registry: using %s (no embedded registry)", registryUrl);
    } else {
      SchemaRegistryServer registry =
          shutdown.add(
              "schema registry",
              new SchemaRegistryServer(bootstrap, settings.schemaRegistryPort()));
      registry.start();
      registryUrl = registry.url();
      health.put(
          "schemaRegistryHealthIndicator",
          new ComponentHealth(registry::isReady, Map.of("url", registryUrl)));
      Console.line("schema registry on %s", registryUrl);
    }

    var created = new TopicProvisioner(bootstrap).ensure(Topics.all(), settings.topicPartitions());
    Console.line(
        "topics %s%s",
        Topics.all().stream().map(t -> t.name()).toList(),
        created.isEmpty() ? " (existing)" : " (created " + created + ")");

    String secret = env.get(RegenEnvironment.JWT_PUBLIC_KEY).isPresent() ? null : jwtSecret(env);
    AppProperties.Endpoints endpoints =
        new AppProperties.Endpoints(
            bootstrap,
            registryUrl,
            settings.httpPort(),
            secret,
            NodeId.of(env, settings.httpPort()));
    Map<String, Object> properties = AppProperties.of(AppProperties.Mode.UP, env, endpoints);
    properties.put("regen.streams.state-dir", settings.streamsStateDir().toString());
    ConfigurableApplicationContext app =
        shutdown.add("HTTP application", PlatformApplication.start(properties, health));
    Console.line(
        "HTTP on http://localhost:%d (WebSocket /ws, REST /api, /actuator)", settings.httpPort());

    awaitHealthy(app);
    Console.line(
        "ready in %.1f s: health UP at http://localhost:%d/actuator/health (Ctrl-C stops it)",
        Console.secondsSinceJvmStart(), settings.httpPort());
  }

  private static String jwtSecret(RegenEnvironment env) {
    if (env.get(RegenEnvironment.JWT_SECRET).isEmpty()) {
      Console.line(
          "JWT_SECRET not set: using the dev secret in %s (./regen token <user> signs with it)",
          env.dataDir().resolve(DevSecret.FILE_NAME));
    }
    return DevSecret.resolve(env);
  }

  /** Waits until the aggregated health (everything started here, plus the modules') is UP. */
  private static void awaitHealthy(ConfigurableApplicationContext app) throws InterruptedException {
    HealthEndpoint endpoint = app.getBean(HealthEndpoint.class);
    long deadline = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
    while (!Status.UP.equals(endpoint.health().getStatus())) {
      if (System.nanoTime() > deadline) {
        Console.line(
            "WARNING: health is still %s after %d s; see /actuator/health",
            endpoint.health().getStatus(), HEALTH_TIMEOUT.toSeconds());
        return;
      }
      Thread.sleep(100);
    }
  }
}
