package io.regen.realtime.sdk.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which request offsets may be committed: per partition, the contiguous prefix of handled records
 * (jobs finish out of order). Job threads report finished records with {@link #handled}; every
 * other method belongs to the polling thread, which alone touches the consumer.
 */
final class OffsetBook {
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

  private record Finished(TopicPartition partition, long offset) {}

  /** Any thread: the job of the record at {@code offset} is done. */
  void handled(TopicPartition partition, long offset) {
    finished.add(new Finished(partition, offset));
  }

  /** A record was read; {@code done} when nothing remains to be done for it. */
  void read(TopicPartition partition, long offset, boolean done) {
    progress.computeIfAbsent(partition, p -> new PartitionProgress()).read(offset, done);
  }

  void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> progress.put(tp, new PartitionProgress()));
  }

  void removed(Collection<TopicPartition> partitions) {
    partitions.forEach(progress::remove);
  }

  /** The offsets to commit on every partition held. */
  Map<TopicPartition, OffsetAndMetadata> committable() {
    return committable(progress.keySet());
  }

  /** The offsets to commit on {@code partitions}, after applying every finished job. */
  Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
    applyFinished();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress partition = progress.get(tp);
      long upTo = partition == null ? -1 : partition.committable();
      if (upTo >= 0) {
        offsets.put(tp, new OffsetAndMetadata(upTo));
      }
    }
    return offsets;
  }

  /**
   * The offsets were handed to the consumer. Async failures are retried by the next commit, which
   * covers at least the same offsets.
   */
  void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, o) -> {
          PartitionProgress partition = progress.get(tp);
          if (partition != null) {
            partition.committedUpTo(o.offset());
          }
        });
  }

  private void applyFinished() {
    Finished next;
    while ((next = finished.poll()) != null) {
      PartitionProgress partition = progress.get(next.partition());
      if (partition != null) {
        partition.handled(next.offset());
      }
    }
  }
}
