package io.regen.realtime.bench.platform;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Which partitions of a source topic each instance of a Kafka Streams application holds actively,
 * read from the group's current assignment ({@code describeConsumerGroups}): the benchmark's way of
 * knowing which jobs another instance owns (S6 {@code --forwarded}). A job's state lives in the
 * partition of its user's key in {@code jobs.events.v1}, and that topic's partition {@code p} is
 * assigned to exactly the consumer of the task holding the job-state store's partition {@code p}
 * (one sub-topology reads the topic), so "the member holding {@code jobs.events.v1-p}" is the job's
 * owner. Members are told apart by their static {@code group.instance.id}: Streams gives each
 * stream thread {@code <instance id>-<thread index>}, and the platform's instance id is {@code
 * REGEN_NODE_ID}.
 */
final class StreamsAssignment implements AutoCloseable {
  private final Admin admin;
  private final String applicationId;
  private final String topic;

  StreamsAssignment(String bootstrap, String applicationId, String topic) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    this.applicationId = applicationId;
    this.topic = topic;
  }

  /**
   * The topic's partitions by instance id (the {@code group.instance.id} without the thread
   * suffix), once the group is stable, every member has at least one of them and together they hold
   * all {@code partitions}.
   *
   * @throws IllegalStateException when that is not the case within {@code max}
   */
  Map<String, Set<Integer>> awaitBalanced(int instances, int partitions, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "nothing read";
    while (System.nanoTime() < deadline) {
      try {
        ConsumerGroupDescription group =
            admin
                .describeConsumerGroups(Set.of(applicationId))
                .describedGroups()
                .get(applicationId)
                .get(10, TimeUnit.SECONDS);
        Map<String, Set<Integer>> byInstance = byInstance(group);
        int covered = byInstance.values().stream().mapToInt(Set::size).sum();
        last = group.groupState() + " " + byInstance;
        if (group.groupState() == GroupState.STABLE
            && byInstance.size() == instances
            && byInstance.values().stream().noneMatch(Set::isEmpty)
            && covered == partitions) {
          return byInstance;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = String.valueOf(e.getCause() != null ? e.getCause() : e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    throw new IllegalStateException(
        "the Streams group "
            + applicationId
            + " did not settle on "
            + instances
            + " instances holding all "
            + partitions
            + " partitions of "
            + topic
            + " within "
            + max
            + ": "
            + last);
  }

  private Map<String, Set<Integer>> byInstance(ConsumerGroupDescription group) {
    Map<String, Set<Integer>> out = new TreeMap<>();
    for (MemberDescription member : group.members()) {
      String instance = instanceOf(member);
      Set<Integer> mine = out.computeIfAbsent(instance, i -> new TreeSet<>());
      for (TopicPartition tp : member.assignment().topicPartitions()) {
        if (tp.topic().equals(topic)) {
          mine.add(tp.partition());
        }
      }
    }
    return out;
  }

  /** {@code <instance id>-<thread index>} → the instance id; a dynamic member: its client id. */
  static String instanceOf(MemberDescription member) {
    String id = member.groupInstanceId().orElse(null);
    if (id == null) {
      return member.clientId();
    }
    int dash = id.lastIndexOf('-');
    return dash > 0 && id.substring(dash + 1).chars().allMatch(Character::isDigit)
        ? id.substring(0, dash)
        : id;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
