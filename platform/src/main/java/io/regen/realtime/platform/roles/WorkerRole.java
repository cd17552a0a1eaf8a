package io.regen.realtime.platform.roles;

import io.micrometer.core.instrument.Metrics;
import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.workers.OpenAiSettings;
import io.regen.realtime.workers.ReferenceWorkers;
import io.regen.realtime.workers.RunningWorker;
import io.regen.realtime.workers.WorkerSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code regen worker --type model|research}: one reference worker against {@code
 * KAFKA_BOOTSTRAP_SERVERS} and {@code SCHEMA_REGISTRY_URL}. Several of one type share the work (one
 * consumer group per type).
 */
public final class WorkerRole implements Role {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String name() {
    return "worker";
  }

  @Override
  public String usage() {
    return "--type " + String.join("|", new TreeSet<>(ReferenceWorkers.TYPES)) + " [--id ID]";
  }

  @Override
  public String summary() {
    return "run a reference worker that consumes job requests and publishes job events";
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception {
    commandLine.expect(0, Set.of("type", "id"));
    String type =
        commandLine.option("type").orElseThrow(() -> new UsageException("--type is required"));
    if (!ReferenceWorkers.TYPES.contains(type)) {
      throw new UsageException(
          "unknown worker type '"
              + type
              + "' (known: "
              + String.join(", ", new TreeSet<>(ReferenceWorkers.TYPES))
              + ")");
    }
    String bootstrap = RegistryRole.bootstrapServers(env);
    String registryUrl = registryUrl(env);
    String workerId =
        commandLine
            .option("id")
            .orElseGet(() -> NodeId.of(env, (int) ProcessHandle.current().pid()) + "-" + type);
    Optional<OpenAiSettings> openAi = OpenAiSettings.fromEnvironment(env::get);
    ShutdownSequence shutdown = new ShutdownSequence().installHooks();
    RoleMetrics.startIfConfigured(env, shutdown);
    RunningWorker worker =
        shutdown.add(
            type + " worker",
            ReferenceWorkers.start(
                type,
                WorkerSettings.of(bootstrap, new HttpSchemaRegistryClient(registryUrl), workerId),
                openAi));
    Console.line(
        "%s worker %s: Kafka %s, schema registry %s", type, workerId, bootstrap, registryUrl);
    WorkerMeters.bind(worker, Metrics.globalRegistry);
    if (ReferenceWorkers.streamsFromOpenAi(type, openAi)) {
      Console.line("streaming from %s", openAi.get());
    }
    awaitReady(worker);
    Console.line("ready in %.1f s (Ctrl-C or SIGTERM stops it)", Console.secondsSinceJvmStart());
    shutdown.awaitClosed();
    return 0;
  }

  static String registryUrl(RegenEnvironment env) {
    return env.get(
        RegenEnvironment.SCHEMA_REGISTRY_URL,
        "http://localhost:" + RegenEnvironment.DEFAULT_SCHEMA_REGISTRY_PORT);
  }

  /** Waits (bounded) until the worker joined its consumer group; warns if it does not. */
  static void awaitReady(RunningWorker worker) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!worker.isReady()) {
      if (System.nanoTime() > deadline || !worker.isRunning()) {
        Console.line(
            "WARNING: %s worker not consuming after %d s",
            worker.type(), READY_TIMEOUT.toSeconds());
        return;
      }
      Thread.sleep(100);
    }
  }
}
