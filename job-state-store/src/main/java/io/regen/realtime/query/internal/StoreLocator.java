package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.streams.StoreDef;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where the partitions of the stores live, from the Streams group's last assignment. Answers may be
 * out of date during a rebalance (an owner that just died is still named); callers treat a failed
 * call to the named owner as "unavailable", never as "absent". Thread-safe.
 */
public interface StoreLocator {

  /** This instance's {@code application.server}. */
  HostInfo self();

  /**
   * The owner of a key: its active host, standby hosts and partition.
   *
   * @throws QueryUnavailableException (OWNER_UNKNOWN) while no assignment is known
   */
  <K> KeyQueryMetadata locate(StoreDef<K, ?> store, K key);

  /**
   * The hosts of one partition of the store: its active host (or null while unassigned), standby
   * hosts and the partition.
   *
   * @throws QueryUnavailableException (OWNER_UNKNOWN) while no assignment is known
   */
  KeyQueryMetadata locatePartition(StoreDef<?, ?> store, int partition);

  /**
   * Every instance holding an active partition of the store, this one included.
   *
   * @throws QueryUnavailableException (OWNER_UNKNOWN) while no assignment is known
   */
  Set<HostInfo> activeHosts(StoreDef<?, ?> store);

  /**
   * Every partition of the store (one per task of its sub-topology): a fan-out is complete only
   * when each of them answered.
   *
   * @throws QueryUnavailableException (OWNER_UNKNOWN) while no assignment is known
   */
  Set<Integer> partitions(StoreDef<?, ?> store);
}
