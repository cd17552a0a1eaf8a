package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.cli.CommandLine;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.kafka.PlatformTopics;
import io.regen.realtime.schemas.Topics;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code regen topics}: creates the platform's topics on {@code KAFKA_BOOTSTRAP_SERVERS} when they
 * are missing ({@code TOPIC_PARTITIONS} partitions, {@code TOPIC_RETENTION}, replication from
 * {@code KAFKA_EXPECTED_BROKERS}), as {@code up} does. For clusters where the roles run separately.
 * Refuses (exit status 1, clear message) when the cluster cannot give the required replication.
 */
public final class TopicsCommand implements Role {
  @Override
  public String name() {
    return "topics";
  }

  @Override
  public String usage() {
    return "      (KAFKA_BOOTSTRAP_SERVERS, TOPIC_PARTITIONS, TOPIC_RETENTION, KAFKA_EXPECTED_BROKERS)";
  }

  @Override
  public String summary() {
    return "create the platform's topics on the cluster if they are missing, then exit";
  }

  @Override
  public int run(CommandLine commandLine, RegenEnvironment env, PrintStream out) throws Exception {
    commandLine.expect(0, Set.of());
    int partitions =
        env.positiveInt(
            RegenEnvironment.TOPIC_PARTITIONS, RegenEnvironment.DEFAULT_TOPIC_PARTITIONS);
    String bootstrap = RegistryRole.bootstrapServers(env);
    List<String> created;
    try (Admin admin = PlatformTopics.admin(env, bootstrap)) {
      created =
          PlatformTopics.provisioning(admin, PlatformTopics.durability(env, bootstrap))
              .ensure(PlatformTopics.specs(partitions, PlatformTopics.retention(env)));
    }
    for (var topic : Topics.provisioned()) {
      out.println(
          topic.name()
              + (created.contains(topic.name()) ? " created" : " exists")
              + " on "
              + bootstrap);
    }
    return 0;
  }
}
