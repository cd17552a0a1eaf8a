package io.regen.realtime.platform;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.cli.UsageException;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.roles.BrokerRole;
import io.regen.realtime.platform.roles.RegistryRole;
import io.regen.realtime.platform.roles.Role;
import io.regen.realtime.platform.roles.SpringRole;
import io.regen.realtime.platform.roles.TokenCommand;
import io.regen.realtime.platform.roles.TopicsCommand;
import io.regen.realtime.platform.roles.UpRole;
import io.regen.realtime.platform.roles.WorkerRole;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * The {@code regen} command: {@code regen <role> [options]}. See {@code regen help} and the README.
 * Exit status: 0 success (also after a graceful stop by SIGINT/SIGTERM), 1 failure, 2 usage error.
 */
public final class RegenMain {
  /** Every subcommand, in the order {@code help} lists them. */
  static final List<Role> ROLES =
      List.of(
          new UpRole(),
          new BrokerRole(),
          new RegistryRole(),
          new WorkerRole(),
          SpringRole.streams(),
          SpringRole.gateway(),
          new TopicsCommand(),
          new TokenCommand());

  private RegenMain() {}

  public static void main(String[] args) {
    int status = run(args, RegenEnvironment.system(), System.out, System.err);
    System.exit(status);
  }

  static int run(String[] args, RegenEnvironment env, PrintStream out, PrintStream err) {
    CommandLine commandLine;
    try {
      commandLine = CommandLine.parse(args);
    } catch (UsageException e) {
      err.println("regen: " + e.getMessage());
      printHelp(err);
      return 2;
    }
    String command = commandLine.command();
    if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
      printHelp(out);
      return 0;
    }
    Optional<Role> role = find(command);
    if (role.isEmpty()) {
      err.println("regen: unknown command '" + command + "'");
      printHelp(err);
      return 2;
    }
    try {
      return role.get().run(commandLine, env, out);
    } catch (UsageException e) {
      err.println("regen " + command + ": " + e.getMessage());
      err.println("usage: regen " + command + " " + role.get().usage());
      return 2;
    } catch (IllegalArgumentException e) {
      // Invalid configuration (a port that is not a number, a short JWT_SECRET, ...).
      err.println("regen " + command + ": " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Exception e) {
      err.println("regen " + command + ": failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  static Optional<Role> find(String command) {
    return ROLES.stream().filter(r -> r.name().equals(command)).findFirst();
  }

  static void printHelp(PrintStream out) {
    out.println("usage: regen <command> [options]");
    out.println();
    for (Role role : ROLES) {
      out.printf("  %-9s %s%n", role.name(), role.summary());
      out.printf("  %-9s   regen %s %s%n", "", role.name(), role.usage());
    }
    out.printf("  %-9s %s%n", "help", "this list");
    out.println();
    out.println("Environment: PORT (8080), SCHEMA_REGISTRY_PORT (8081), KAFKA_PORT (9092),");
    out.println(
        "  REGEN_DATA_DIR (./data), JWT_SECRET, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL,");
    out.println("  REDIS_URL, FRONTEND_ORIGIN, TOPIC_PARTITIONS (12). See README.md.");
  }
}
