package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.app.AppProperties;
import io.regen.realtime.platform.app.AppProperties.Mode;
import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.kafka.PlatformTopics;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;
import io.regen.realtime.schemas.kafka.TopicProvisioning;
import io.regen.realtime.streams.StreamsSettings;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code regen streams} (stream processors + query REST API, port 8082 by default) and {@code regen
 * gateway} (WebSocket gateway + its REST API, port 8080): one part of the Spring application, run
 * against {@code KAFKA_BOOTSTRAP_SERVERS} and {@code SCHEMA_REGISTRY_URL}. Tokens are verified with
 * {@code JWT_SECRET} or {@code JWT_PUBLIC_KEY}, which must be set (only {@code up} falls back to a
 * dev secret).
 */
public final class SpringRole implements Role {
  /** Where a gateway started alone finds the query API (job state, replay index). */
  public static final String QUERY_API_URL = "QUERY_API_URL";

  private final Mode mode;

  private SpringRole(Mode mode) {
    this.mode = mode;
  }

  public static SpringRole streams() {
    return new SpringRole(Mode.STREAMS);
  }

  public static SpringRole gateway() {
    return new SpringRole(Mode.GATEWAY);
  }

  @Override
  public String name() {
    return mode == Mode.STREAMS ? "streams" : "gateway";
  }

  @Override
  public String usage() {
    return mode == Mode.STREAMS
        ? "      (PORT 8082, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, JWT_SECRET, REGEN_DATA_DIR)"
        : "      (PORT 8080, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, JWT_SECRET, QUERY_API_URL,"
            + " REDIS_URL, FRONTEND_ORIGIN)";
  }

  @Override
  public String summary() {
    return mode == Mode.STREAMS
        ? "run the stream processors and the query REST API (job state, analytics)"
        : "run the WebSocket gateway (/ws) and its REST API";
  }

  int defaultPort() {
    return mode == Mode.STREAMS
        ? RegenEnvironment.DEFAULT_STREAMS_PORT
        : RegenEnvironment.DEFAULT_PORT;
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception {
    commandLine.expect(0, Set.of());
    Map<String, Object> properties = properties(env);
    boolean training = env.bool(RegenEnvironment.REGEN_TRAINING_RUN, false);
    if (training) {
      TrainingRun.useFreePorts(properties);
    }
    int port = (int) properties.get("server.port");
    ShutdownSequence shutdown = new ShutdownSequence().installHooks();
    try {
      String bootstrap = (String) properties.get("regen.kafka.bootstrap-servers");
      if (mode == Mode.STREAMS) {
        try (Admin admin = PlatformTopics.admin(env, bootstrap)) {
          TopicProvisioning topics =
              PlatformTopics.provisioning(admin, PlatformTopics.durability(env, bootstrap));
          PlatformTopics.checkEventPartitions(
              topics,
              (String)
                  properties.getOrDefault(
                      "regen.streams.application-id", StreamsSettings.DEFAULT_APPLICATION_ID));
          properties.put("regen.streams.replication-factor", topics.replicationFactor());
        }
      }
      ConfigurableApplicationContext app =
          shutdown.add(name() + " application", SpringApp.start(properties, Map.of()));
      if (training) {
        TrainingRun.exercise(app);
        shutdown.closeAll();
        return 0;
      }
      Console.line(
          "%s on http://localhost:%d (Kafka %s, schema registry %s)",
          name(), port, bootstrap, properties.get("regen.schema-registry.url"));
      if (SpringApp.awaitHealthy(app)) {
        Console.line(
            "ready in %.1f s: health UP at http://localhost:%d/actuator/health",
            Console.secondsSinceJvmStart(), port);
      }
    } catch (Exception | Error e) {
      shutdown.closeAll();
      throw e;
    }
    shutdown.awaitClosed();
    return 0;
  }

  /** The Spring properties of this role; visible for tests. */
  Map<String, Object> properties(RegenEnvironment env) {
    if (env.get(RegenEnvironment.JWT_SECRET).isEmpty()
        && env.get(RegenEnvironment.JWT_PUBLIC_KEY).isEmpty()) {
      throw new UsageException(
          "set JWT_SECRET (HS256, >= 32 bytes) or JWT_PUBLIC_KEY; only 'up' uses a dev secret");
    }
    int port = env.port(RegenEnvironment.PORT, defaultPort());
    String nodeId = NodeId.of(env, port);
    Map<String, Object> properties =
        AppProperties.of(
            mode,
            env,
            new AppProperties.Endpoints(
                RegistryRole.bootstrapServers(env),
                WorkerRole.registryUrl(env),
                port,
                env.get(RegenEnvironment.JWT_SECRET).orElse(null),
                nodeId));
    if (mode == Mode.STREAMS) {
      properties.put(
          "regen.streams.state-dir", env.dataDir().resolve("streams-" + nodeId).toString());
    } else {
      properties.put(
          "regen.gateway.state-url",
          env.get(QUERY_API_URL, "http://localhost:" + RegenEnvironment.DEFAULT_STREAMS_PORT));
    }
    return properties;
  }
}
