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
 *
 * <p>A revoked partition's bookkeeping is kept until the rebalance's assignment is known: assigned
 * back to this consumer, nobody else held it meanwhile, so its jobs, their pending retries and its
 * read position carry on (same {@link #token}); assigned elsewhere, it is dropped. A lost partition
 * (this consumer was out of the group, another may have held it) is dropped at once.
 */
final class OffsetBook {
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final Map<TopicPartition, PartitionProgress> revoked = new HashMap<>();
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

  /**
   * The partitions of a new assignment. Those revoked in this rebalance keep their bookkeeping;
   * returns where to read each of them on (the offset after the last record read), so no record is
   * read twice. Every other revoked partition went to another consumer and is forgotten.
   */
  Map<TopicPartition, Long> assigned(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> readOnAt = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress kept = revoked.remove(tp);
      if (kept == null) {
        progress.put(tp, new PartitionProgress());
      } else {
        progress.put(tp, kept);
        if (kept.nextOffset() >= 0) {
          readOnAt.put(tp, kept.nextOffset());
        }
      }
    }
    revoked.clear();
    return readOnAt;
  }

  /** Revoked in a rebalance: kept until {@link #assigned} tells whether it came back. */
  void revoked(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      PartitionProgress p = progress.remove(tp);
      if (p != null) {
        revoked.put(tp, p);
      }
    }
  }

  /**
   * Whether {@code partition} was revoked in a rebalance whose new assignment is not known yet: its
   * jobs must neither start nor be dropped until {@link #assigned} says where it went.
   */
  boolean awaitingAssignment(TopicPartition partition) {
    return revoked.containsKey(partition);
  }

  /** Lost (another consumer may hold it already): forgotten at once. */
  void lost(Collection<TopicPartition> partitions) {
    partitions.forEach(progress::remove);
    partitions.forEach(revoked::remove);
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
   * The bookkeeping of {@code partition} while this consumer holds it: a job queued under one token
   * must not start once the partition went to another consumer (or was lost) meanwhile; a partition
   * revoked and assigned back to this consumer keeps its token.
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
      if (partition == null) {
        partition = revoked.get(next.partition()); // may come back in this rebalance
      }
      if (partition != null) {
        partition.handled(next.offset());
      }
    }
  }
}
