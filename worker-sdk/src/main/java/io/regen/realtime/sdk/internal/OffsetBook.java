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
        offsets.put(tp, new OffsetAndMetadata(upTo, partition.metadata(upTo)));
      }
    }
    return offsets;
  }

  /**
   * The offsets of {@code partitions} with the attempt marks of their jobs, to commit (and wait
   * for) before the jobs just given an attempt by {@link #nextAttempt} are started; also when the
   * offset itself has not moved.
   */
  Map<TopicPartition, OffsetAndMetadata> marks(Collection<TopicPartition> partitions) {
    applyFinished();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress partition = progress.get(tp);
      long at = partition == null ? -1 : partition.position();
      if (at >= 0) {
        offsets.put(tp, new OffsetAndMetadata(at, partition.metadata(at)));
      }
    }
    return offsets;
  }

  /**
   * Whether the attempt marks of {@code partition} are known; until {@link #restore} has read them
   * no job of it may start.
   */
  boolean attemptsKnown(TopicPartition partition) {
    PartitionProgress p = progress.get(partition);
    return p != null && p.attemptsKnown();
  }

  /** Reads the attempt marks of the group's committed offset (null: nothing committed yet). */
  void restore(TopicPartition partition, OffsetAndMetadata committed) {
    PartitionProgress p = progress.get(partition);
    if (p != null) {
      p.restore(
          committed == null
              ? new AttemptMarks()
              : AttemptMarks.parse(committed.offset(), committed.metadata()));
    }
  }

  /** The attempt of a new run of the request at {@code offset} (recorded in the marks). */
  int nextAttempt(TopicPartition partition, long offset) {
    return progress.get(partition).nextAttempt(offset);
  }

  /**
   * The bookkeeping of {@code partition} in this assignment: a job queued under one token must not
   * start once the partition was revoked (and maybe assigned again) meanwhile.
   */
  Object token(TopicPartition partition) {
    return progress.get(partition);
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
