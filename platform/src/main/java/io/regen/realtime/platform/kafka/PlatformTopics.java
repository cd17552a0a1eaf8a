package io.regen.realtime.platform.kafka;

import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.Durability;
import io.regen.realtime.schemas.kafka.DurabilityException;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.kafka.TopicProvisioning;
import io.regen.realtime.schemas.kafka.TopicSpec;
import io.regen.realtime.streams.Stores;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * The platform's topics as the launcher provisions them, and the settings behind them: expected
 * cluster size ({@code KAFKA_EXPECTED_BROKERS}), under-replication opt-out ({@code
 * KAFKA_ALLOW_UNDER_REPLICATED}), partitions ({@code TOPIC_PARTITIONS}) and retention ({@code
 * TOPIC_RETENTION}, the resume and replay horizon).
 */
public final class PlatformTopics {
  /** Seven days: how far back a client can resume and a job can be replayed. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private PlatformTopics() {}

  /**
   * The durability the environment asks for. Without {@code KAFKA_EXPECTED_BROKERS}: 1 on the
   * embedded broker, else the number of addresses in {@code KAFKA_BOOTSTRAP_SERVERS} (at most 3).
   */
  public static Durability durability(RegenEnvironment env, String bootstrapServers) {
    int expected =
        env.positiveInt(
            RegenEnvironment.KAFKA_EXPECTED_BROKERS,
            env.get(RegenEnvironment.KAFKA_BOOTSTRAP_SERVERS).isPresent()
                ? addresses(bootstrapServers)
                : 1);
    return new Durability(expected, env.bool(RegenEnvironment.KAFKA_ALLOW_UNDER_REPLICATED, false));
  }

  static int addresses(String bootstrapServers) {
    long n = Arrays.stream(bootstrapServers.split(",")).filter(s -> !s.isBlank()).count();
    return (int) Math.max(1, Math.min(Durability.MAX_REPLICATION, n));
  }

  /** {@code TOPIC_RETENTION} as an ISO-8601 duration ({@code P7D}, {@code PT48H}) or days. */
  public static Duration retention(RegenEnvironment env) {
    return env.get(RegenEnvironment.TOPIC_RETENTION)
        .map(PlatformTopics::parseRetention)
        .orElse(DEFAULT_RETENTION);
  }

  static Duration parseRetention(String value) {
    try {
      Duration d =
          value.matches("\\d+") ? Duration.ofDays(Long.parseLong(value)) : Duration.parse(value);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            RegenEnvironment.TOPIC_RETENTION + " must be positive, got '" + value + "'");
      }
      return d;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          RegenEnvironment.TOPIC_RETENTION
              + " must be days (7) or an ISO-8601 duration (P7D, PT48H), got '"
              + value
              + "'",
          e);
    }
  }

  /** Every provisioned topic: data topics with {@code partitions}, the dead-letter topic with 1. */
  public static List<TopicSpec> specs(int partitions, Duration retention) {
    List<TopicSpec> specs = new ArrayList<>();
    for (Topic<?, ?> topic : Topics.provisioned()) {
      int n = topic == Topics.STREAMS_DEAD_LETTERS ? 1 : partitions;
      specs.add(TopicSpec.retained(topic, n, retention));
    }
    return specs;
  }

  /**
   * An admin client for {@code bootstrapServers} with the process's Kafka connection settings in
   * {@code env} ({@link KafkaClientConfigs#of}), so provisioning logs in to a secured cluster like
   * every other client of the role.
   */
  public static Admin admin(RegenEnvironment env, String bootstrapServers) {
    return admin(KafkaClientConfigs.of(bootstrapServers, env.asMap()));
  }

  /** An admin client with the connection settings of {@code clients}. */
  public static Admin admin(KafkaClientConfigs clients) {
    return Admin.create(clients.admin("regen-topics"));
  }

  /** Provisioning on {@code admin} with the default admin timeout. */
  public static TopicProvisioning provisioning(Admin admin, Durability durability) {
    return new TopicProvisioning(admin, durability, ADMIN_TIMEOUT);
  }

  /**
   * Refuses to run when partitions were added to {@code jobs.events.v1} after the stream processors
   * created their changelogs (which copy its partition count): users would have moved to other
   * partitions, splitting their history, cursors and state.
   */
  public static void checkEventPartitions(TopicProvisioning topics, String streamsApplicationId) {
    String changelog = streamsApplicationId + "-" + Stores.JOB_STATE.name() + "-changelog";
    Map<String, Integer> counts;
    try {
      counts = topics.partitionCounts(List.of(Topics.JOB_EVENTS.name(), changelog));
    } catch (IllegalStateException e) {
      return; // no changelog yet (first start): nothing to compare with
    }
    Integer events = counts.get(Topics.JOB_EVENTS.name());
    Integer state = counts.get(changelog);
    if (events != null && state != null && !events.equals(state)) {
      throw new DurabilityException(
          Topics.JOB_EVENTS.name()
              + " has "
              + events
              + " partitions but the stream processors' "
              + changelog
              + " has "
              + state
              + ": partitions were added to "
              + Topics.JOB_EVENTS.name()
              + ", which moves users to other partitions (key = userId). Its partition count"
              + " cannot change in place; see runbooks/recovery.md (re-partitioning).");
    }
  }
}
