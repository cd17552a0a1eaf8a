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
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * {@link LocalStoreReader} with Kafka Streams' IQv2 ({@link KafkaStreams#query}): per-partition
 * results, so a partition that is restoring, moved away or only a standby is reported by partition
 * instead of silently missing from a composite view.
 */
public final class IqV2LocalStoreReader implements LocalStoreReader {
  private final Supplier<KafkaStreams> streams;

  public IqV2LocalStoreReader(Supplier<KafkaStreams> streams) {
    this.streams = Objects.requireNonNull(streams, "streams");
  }

  @Override
  public <K, V> Optional<V> get(StoreDef<K, V> store, K key, int partition, boolean activeOnly) {
    StateQueryRequest<V> request =
        StateQueryRequest.inStore(store.name())
            .withQuery(KeyQuery.<K, V>withKey(key))
            .withPartitions(Set.of(partition));
    return Optional.ofNullable(onePartition(store, partition, activeOnly, request));
  }

  @Override
  public <K, V> List<V> rangeValues(
      StoreDef<K, V> store, K from, K to, int partition, boolean activeOnly) {
    StateQueryRequest<KeyValueIterator<K, V>> request =
        StateQueryRequest.inStore(store.name())
            .withQuery(RangeQuery.<K, V>withRange(from, to))
            .withPartitions(Set.of(partition));
    List<V> values = new ArrayList<>();
    try (KeyValueIterator<K, V> it = onePartition(store, partition, activeOnly, request)) {
      while (it.hasNext()) {
        values.add(it.next().value);
      }
    }
    return values;
  }

  @Override
  public <V> Set<Integer> scanActive(
      StoreDef<String, V> store, String from, String to, EntrySink<V> sink) {
    StateQueryRequest<KeyValueIterator<String, V>> request =
        StateQueryRequest.inStore(store.name())
            .withQuery(RangeQuery.<String, V>withRange(from, to))
            .requireActive();
    StateQueryResult<KeyValueIterator<String, V>> result = run(request);
    Set<Integer> scanned = new TreeSet<>();
    try {
      for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, V>>> e :
          result.getPartitionResults().entrySet()) {
        QueryResult<KeyValueIterator<String, V>> partitionResult = e.getValue();
        if (partitionResult.isFailure()) {
          continue;
        }
        int partition = e.getKey();
        KeyValueIterator<String, V> it = partitionResult.getResult();
        while (it.hasNext()) {
          KeyValue<String, V> entry = it.next();
          if (!sink.accept(partition, entry.key, entry.value)) {
            break;
          }
        }
        scanned.add(partition);
      }
    } finally {
      // Every successful partition holds an open RocksDB iterator, scanned or not.
      for (QueryResult<KeyValueIterator<String, V>> partitionResult :
          result.getPartitionResults().values()) {
        if (partitionResult.isSuccess() && partitionResult.getResult() != null) {
          partitionResult.getResult().close();
        }
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
   * The result of a query of one partition (of the active copy only when {@code activeOnly});
   * not-ready when that partition did not answer.
   */
  private <R> R onePartition(
      StoreDef<?, ?> store, int partition, boolean activeOnly, StateQueryRequest<R> request) {
    StateQueryResult<R> result = run(activeOnly ? request.requireActive() : request);
    QueryResult<R> partitionResult = result.getPartitionResults().get(partition);
    if (partitionResult == null) {
      throw notReady(store, partition, "no result");
    }
    if (partitionResult.isFailure()) {
      throw notReady(
          store,
          partition,
          partitionResult.getFailureReason() + ": " + partitionResult.getFailureMessage());
    }
    return partitionResult.getResult();
  }

  private <R> StateQueryResult<R> run(StateQueryRequest<R> request) {
    KafkaStreams ks = streams.get();
    if (ks == null) {
      throw new QueryUnavailableException(Reason.NOT_RUNNING, "Kafka Streams is not started");
    }
    try {
      return ks.query(request);
    } catch (KafkaException | IllegalStateException e) {
      // StreamsNotStartedException, StreamsStoppedException, InvalidStateStoreException, ...
      throw new QueryUnavailableException(
          Reason.NOT_RUNNING, "Stores are not queryable: " + e.getMessage(), e);
    }
  }

  private static QueryUnavailableException notReady(
      StoreDef<?, ?> store, int partition, String why) {
    return new QueryUnavailableException(
        Reason.STORE_NOT_READY,
        "Partition " + partition + " of " + store + " is not queryable here (" + why + ")");
  }
}
