package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.streams.StoreDef;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads this instance's own partitions of the stores (Kafka Streams interactive queries). Never
 * forwards: what is not here is reported as not queryable, so the caller can decide between another
 * instance and a 503. Thread-safe; called from HTTP request threads.
 */
public interface LocalStoreReader {

  /** Receives scanned entries; returns false to stop scanning that partition. */
  @FunctionalInterface
  interface EntrySink<V> {
    boolean accept(int partition, String key, V value);
  }

  /**
   * One key in one partition.
   *
   * @param activeOnly true to refuse a standby replica's copy
   * @return the value, empty when the key is absent from a queryable partition
   * @throws QueryUnavailableException (STORE_NOT_READY) when the partition is not queryable here
   *     (not hosted, restoring, only a standby while {@code activeOnly}, Streams not running)
   */
  <K, V> Optional<V> get(StoreDef<K, V> store, K key, int partition, boolean activeOnly);

  /**
   * The values of the inclusive key range {@code [from, to]} of one partition, in key order (the
   * store's key serde's byte order).
   *
   * @param activeOnly true to refuse a standby replica's copy
   * @throws QueryUnavailableException (STORE_NOT_READY) when the partition is not queryable here,
   *     as {@link #get}: never a silently empty list
   */
  <K, V> List<V> rangeValues(StoreDef<K, V> store, K from, K to, int partition, boolean activeOnly);

  /**
   * Scans the inclusive key range {@code [from, to]} in every active partition hosted here, each
   * partition in key order.
   *
   * @return the partitions that were scanned completely (or until the sink stopped them)
   * @throws QueryUnavailableException (NOT_RUNNING) when Streams is not running
   */
  <V> Set<Integer> scanActive(StoreDef<String, V> store, String from, String to, EntrySink<V> sink);

  /**
   * How many changelog records this instance's copy of a partition is behind (0 for an up-to-date
   * active task; a standby's restore lag otherwise); -1 when the partition is not hosted here.
   */
  long lag(StoreDef<?, ?> store, int partition);
}
