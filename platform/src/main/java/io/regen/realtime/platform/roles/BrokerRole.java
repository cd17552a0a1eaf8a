package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.config.BrokerOptions;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.kafka.BrokerSecurity;
import io.regen.realtime.platform.kafka.BrokerSettings;
import io.regen.realtime.platform.kafka.EmbeddedKraftBroker;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;
import java.io.PrintStream;
import java.time.Duration;

/** {@code regen broker}: one KRaft node (broker + controller); three of them make a cluster. */
public final class BrokerRole implements Role {
  @Override
  public String name() {
    return "broker";
  }

  @Override
  public String usage() {
    return "[--node-id N] [--port P] [--controller-port C] [--quorum 1@host:C1,2@host:C2,...]"
        + " [--host H] [--data-dir D] [--cluster-id ID] [--sasl-users FILE]";
  }

  @Override
  public String summary() {
    return "run one Kafka KRaft node (broker+controller); nodes sharing --quorum form a cluster";
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception {
    BrokerSettings settings = BrokerOptions.from(commandLine, env);
    ShutdownSequence shutdown = new ShutdownSequence().installHooks();
    EmbeddedKraftBroker broker =
        shutdown.add("Kafka node " + settings.nodeId(), new EmbeddedKraftBroker(settings));
    broker.start();
    Console.line(
        "Kafka node %d: clients on %s, controller on %s:%d, quorum %s, data in %s",
        settings.nodeId(),
        settings.bootstrapServers(),
        settings.host(),
        settings.controllerPort(),
        settings.quorumVoters(),
        settings.logDir());
    // With several voters, readiness needs a quorum: wait as long as it takes the others to come.
    long timeoutSeconds = settings.voterCount() > 1 ? 600 : 60;
    broker.awaitReady(Duration.ofSeconds(timeoutSeconds));
    if (settings.security().enabled()) {
      broker.applyRoleAcls(Duration.ofSeconds(60));
      Console.line(
          "SASL/SCRAM (%s) with ACLs per role; users %s",
          BrokerSecurity.SCRAM_MECHANISM, settings.security().users().keySet());
    }
    Console.line("ready in %.1f s (Ctrl-C or SIGTERM stops it)", Console.secondsSinceJvmStart());
    shutdown.awaitClosed();
    return 0;
  }
}
