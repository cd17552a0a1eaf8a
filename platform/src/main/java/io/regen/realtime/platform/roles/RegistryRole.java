package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.kafka.PlatformTopics;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;
import io.regen.realtime.registry.RegistryServerOptions;
import io.regen.realtime.registry.SchemaRegistryServer;
import java.io.PrintStream;
import java.util.Set;

/** {@code regen registry}: the schema registry alone, against {@code KAFKA_BOOTSTRAP_SERVERS}. */
public final class RegistryRole implements Role {
  @Override
  public String name() {
    return "registry";
  }

  @Override
  public String usage() {
    return "[--port P]   (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_PORT,"
        + " SCHEMA_REGISTRY_BIND_ADDRESS, SCHEMA_REGISTRY_USERS_FILE)";
  }

  @Override
  public String summary() {
    return "run the Confluent-compatible schema registry (schemas kept in Kafka)";
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception {
    commandLine.expect(0, Set.of("port"));
    int port =
        commandLine
            .option("port")
            .map(p -> RegenEnvironment.parsePort("--port", p))
            .orElse(
                env.port(
                    RegenEnvironment.SCHEMA_REGISTRY_PORT,
                    RegenEnvironment.DEFAULT_SCHEMA_REGISTRY_PORT));
    String bootstrap = bootstrapServers(env);
    // The role is deployed to be reached from other hosts; up binds loopback.
    RegistryServerOptions options =
        RegistryServerOptions.fromEnvironment(
            env.asMap(), port, RegistryServerOptions.ALL_INTERFACES);
    ShutdownSequence shutdown = new ShutdownSequence().installHooks();
    SchemaRegistryServer registry =
        shutdown.add(
            "schema registry",
            new SchemaRegistryServer(bootstrap, options)
                .withDurability(PlatformTopics.durability(env, bootstrap)));
    registry.start();
    Console.line(
        "schema registry on %s:%d (Kafka %s, Basic auth %s)",
        options.bindAddress(),
        registry.port(),
        bootstrap,
        options.users().enabled() ? "on" : "off: set " + RegistryServerOptions.USERS_FILE_ENV);
    Console.line("ready in %.1f s (Ctrl-C or SIGTERM stops it)", Console.secondsSinceJvmStart());
    shutdown.awaitClosed();
    return 0;
  }

  static String bootstrapServers(RegenEnvironment env) {
    return env.get(
        RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS,
        "localhost:" + RegenEnvironment.DEFAULT_KAFKA_PORT);
  }
}
