package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.streams.StoreDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link LocalStoreReader} with Kafka Streams' interactive queries v1 ({@link KafkaStreams#store}
 * with {@link StoreQueryParameters#withPartition}): one partition's store per read, so a partition
 * that is restoring, moved away or only a standby is reported by partition instead of silently
 * missing from a composite view.
 *
 * <p><b>Why IQv1, not IQv2.</b> Kafka Streams 4.1.2 deadlocks an IQv2 key or range query against a
 * put on the same RocksDB store (KAFKA-19629, fixed upstream after 4.1.2): the stream thread's
 * {@code RocksDBStore.put} is {@code synchronized} on the store and then takes {@code synchronized
 * (position)} to update the store's {@code Position}; IQv2's {@code RocksDBStore.query} takes
 * {@code synchronized (position)} first and then, in {@code StoreQueryUtils.handleBasicQueries},
 * calls the store's own {@code synchronized get/range}. Two monitors in opposite orders: the stream
 * thread stopped for good under the S6 benchmark. The lock order of the IQv1 reads, checked in the
 * 4.1.2 bytecode:
 *
 * <ul>
 *   <li>{@code MeteredKeyValueStore.get/range} and {@code ChangeLoggingKeyValueBytesStore} take no
 *       lock;
 *   <li>{@code CachingKeyValueStore} (stores with the record cache): {@code get} takes its read
 *       lock, then the named cache's monitor (released), then the inner store's monitor; {@code
 *       range} takes the inner store's monitor and then the cache's, one after the other, never
 *       nested. The stream thread reaches the inner store from the cache only while it holds the
 *       write lock, which excludes a reader holding the read lock;
 *   <li>{@code RocksDBStore.get/range} are {@code synchronized} on the store and take nothing else
 *       (never the {@code Position}); the iterator's {@code hasNext/close} take only the iterator's
 *       monitor and then the store's open-iterator set ({@code closeOpenIterators} copies that set
 *       before closing, so no cycle there either).
 * </ul>
 *
 * A reader therefore holds at most the cache's read lock and then one store monitor and never waits
 * for the {@code Position}: no cycle with the stream thread's store → position order.
 *
 * <p>IQv1 answers from active tasks only unless {@link StoreQueryParameters#enableStaleStores()}
 * (then standbys and restoring actives are also read), which is what {@code activeOnly=false} asks
 * for. Active reads need the stream thread in RUNNING: while it rebalances they are refused
 * (STORE_NOT_READY), where IQv2 answered the tasks that were running.
 */
public final class IqV1LocalStoreReader implements LocalStoreReader {
  private final Supplier<KafkaStreams> streams;

  public IqV1LocalStoreReader(Supplier<KafkaStreams> streams) {
    this.streams = Objects.requireNonNull(streams, "streams");
  }

  @Override
  public <K, V> Optional<V> get(StoreDef<K, V> store, K key, int partition, boolean activeOnly) {
    return Optional.ofNullable(readPartition(store, partition, activeOnly, kv -> kv.get(key)));
  }

  @Override
  public <K, V> List<V> rangeValues(
      StoreDef<K, V> store, K from, K to, int partition, boolean activeOnly) {
    return readPartition(
        store,
        partition,
        activeOnly,
        kv -> {
          List<V> values = new ArrayList<>();
          try (KeyValueIterator<K, V> it = kv.range(from, to)) {
            while (it.hasNext()) {
              values.add(it.next().value);
            }
          }
          return values;
        });
  }

  /**
   * Tries the store of every partition of an active task of this instance's threads (of any
   * sub-topology: a task's partition number is the store's partition number when the task holds
   * that store) and scans the ones whose active store answers; a partition that does not (another
   * sub-topology's task, restoring, migrated meanwhile) is left out of the result, as IQv2's failed
   * partitions were.
   */
  @Override
  public <V> Set<Integer> scanActive(
      StoreDef<String, V> store, String from, String to, EntrySink<V> sink) {
    KafkaStreams ks = running();
    Set<Integer> candidates = new TreeSet<>();
    for (ThreadMetadata thread : ks.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        candidates.add(task.taskId().partition());
      }
    }
    Set<Integer> scanned = new TreeSet<>();
    for (int partition : candidates) {
      try {
        ReadOnlyKeyValueStore<String, V> kv = storeOf(ks, store, partition, true);
        try (KeyValueIterator<String, V> it = kv.range(from, to)) {
          while (it.hasNext()) {
            KeyValue<String, V> entry = it.next();
            if (!sink.accept(partition, entry.key, entry.value)) {
              break;
            }
          }
        }
        scanned.add(partition);
      } catch (InvalidStateStoreException e) {
        // Not this store's partition here, or not queryable right now: not scanned.
      }
    }
    return scanned;
  }

  @Override
  public long lag(StoreDef<?, ?> store, int partition) {
    try {
      Map<Integer, LagInfo> lags = streams.get().allLocalStorePartitionLags().get(store.name());
      LagInfo info = lags == null ? null : lags.get(partition);
      return info == null ? -1 : info.offsetLag();
    } catch (KafkaException | IllegalStateException e) {
      return -1;
    }
  }

  /**
   * Runs {@code read} on one partition's store (the active copy only when {@code activeOnly});
   * not-ready when that partition's store is not queryable here, not running when Streams is not.
   */
  private <K, V, R> R readPartition(
      StoreDef<K, V> store,
      int partition,
      boolean activeOnly,
      Function<ReadOnlyKeyValueStore<K, V>, R> read) {
    KafkaStreams ks = running();
    try {
      return read.apply(storeOf(ks, store, partition, activeOnly));
    } catch (InvalidStateStoreException e) {
      // InvalidStateStorePartitionException ("partition does not exist": not hosted, restoring,
      // only a standby while active-only), a thread not RUNNING, a store closed by a migration.
      throw new QueryUnavailableException(
          Reason.STORE_NOT_READY,
          "Partition "
              + partition
              + " of "
              + store
              + " is not queryable here ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * The IQv1 view of one partition's store; NOT_RUNNING when Streams refuses to give one. Lazy:
   * Kafka Streams looks the partition's store up on each read, so the read itself throws {@link
   * InvalidStateStoreException} when that partition is not queryable here.
   */
  private static <K, V> ReadOnlyKeyValueStore<K, V> storeOf(
      KafkaStreams ks, StoreDef<K, V> store, int partition, boolean activeOnly) {
    StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> parameters =
        StoreQueryParameters.fromNameAndType(
                store.name(), QueryableStoreTypes.<K, V>keyValueStore())
            .withPartition(partition);
    try {
      return ks.store(activeOnly ? parameters : parameters.enableStaleStores());
    } catch (InvalidStateStoreException | IllegalStateException e) {
      // Streams stopped since running() (StreamsStoppedException, IllegalStateException) or an
      // unknown store name: the same answer IQv2's KafkaStreams.query gave.
      throw new QueryUnavailableException(
          Reason.NOT_RUNNING, "Stores are not queryable: " + e.getMessage(), e);
    }
  }

  /** The running (or rebalancing) Streams; NOT_RUNNING otherwise. */
  private KafkaStreams running() {
    KafkaStreams ks = streams.get();
    if (ks == null) {
      throw new QueryUnavailableException(Reason.NOT_RUNNING, "Kafka Streams is not started");
    }
    KafkaStreams.State state = ks.state();
    if (!state.isRunningOrRebalancing()) {
      throw new QueryUnavailableException(
          Reason.NOT_RUNNING, "Stores are not queryable: Kafka Streams is " + state);
    }
    return ks;
  }
}
