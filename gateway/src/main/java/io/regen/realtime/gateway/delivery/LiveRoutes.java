package io.regen.realtime.gateway.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dispatcher's routing table: the partitions its consumer is assigned (those holding
 * attached sessions) and the attached sessions of each user. Changed on the dispatcher thread only;
 * the partition states may be read from any thread.
 */
final class LiveRoutes {
  private static final Logger log = LoggerFactory.getLogger(LiveRoutes.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final ConcurrentHashMap<Integer, PartitionState> partitions = new ConcurrentHashMap<>();
  private final Map<String, List<SessionState>> byUser = new HashMap<>();

  LiveRoutes(KafkaConsumer<String, byte[]> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  /**
   * Routes a started session's user's records to it, assigning its partition (from the session's
   * live start) if no attached session held it yet. Dispatcher thread.
   *
   * @return the session's partition state
   */
  PartitionState attach(SessionState s) {
    PartitionState ps = partitions.get(s.partition);
    if (ps == null) {
      ps = new PartitionState(new TopicPartition(topic, s.partition));
      ps.dispatchedThrough = s.liveEnd - 1;
      partitions.put(s.partition, ps);
      reassign();
      consumer.seek(ps.tp, s.liveEnd);
    }
    ps.sessions++;
    if (log.isDebugEnabled()) {
      log.debug(
          "Attached session {} of {} on partition {} at {} (dispatched through {})",
          s.session.sessionId(),
          s.userId,
          s.partition,
          s.deliveredThrough,
          ps.dispatchedThrough);
    }
    byUser.computeIfAbsent(s.userId, u -> new ArrayList<>(2)).add(s);
    s.attached = true;
    return ps;
  }

  /**
   * Stops routing to a session; releases its partition with its last session. Dispatcher thread.
   */
  void detach(SessionState s) {
    if (!s.attached) {
      return;
    }
    s.attached = false;
    List<SessionState> list = byUser.get(s.userId);
    if (list != null) {
      list.remove(s);
      if (list.isEmpty()) {
        byUser.remove(s.userId);
      }
    }
    PartitionState ps = partitions.get(s.partition);
    if (ps != null && --ps.sessions == 0) {
      partitions.remove(s.partition);
      reassign();
    }
  }

  /** The attached sessions of a user, or null when there are none. Dispatcher thread. */
  List<SessionState> sessionsOf(String userId) {
    return byUser.get(userId);
  }

  /** The state of an assigned partition, or null. Any thread. */
  PartitionState partition(int partition) {
    return partitions.get(partition);
  }

  Collection<PartitionState> assigned() {
    return partitions.values();
  }

  boolean isEmpty() {
    return partitions.isEmpty();
  }

  Set<Integer> assignedPartitions() {
    return Set.copyOf(partitions.keySet());
  }

  private void reassign() {
    List<TopicPartition> tps = new ArrayList<>(partitions.size());
    for (PartitionState ps : partitions.values()) {
      tps.add(ps.tp);
    }
    // Partitions kept keep their positions; only new ones need a seek.
    consumer.assign(tps);
  }
}
