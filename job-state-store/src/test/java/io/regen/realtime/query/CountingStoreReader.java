package io.regen.realtime.query;

import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.streams.StoreDef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The instance's real {@link LocalStoreReader} (IQv1 over its stores), counting the gets and the
 * ranges per store: how a test sees which reads an answer took. Counts only, never changes a read.
 */
final class CountingStoreReader implements LocalStoreReader {
  private final LocalStoreReader real;
  private final Map<String, AtomicLong> gets = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> ranges = new ConcurrentHashMap<>();

  CountingStoreReader(LocalStoreReader real) {
    this.real = real;
  }

  long gets(StoreDef<?, ?> store) {
    return count(gets, store);
  }

  long ranges(StoreDef<?, ?> store) {
    return count(ranges, store);
  }

  private static long count(Map<String, AtomicLong> counts, StoreDef<?, ?> store) {
    AtomicLong n = counts.get(store.name());
    return n == null ? 0 : n.get();
  }

  private static void add(Map<String, AtomicLong> counts, StoreDef<?, ?> store) {
    counts.computeIfAbsent(store.name(), s -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public <K, V> Optional<V> get(StoreDef<K, V> store, K key, int partition, boolean activeOnly) {
    add(gets, store);
    return real.get(store, key, partition, activeOnly);
  }

  @Override
  public <K, V> List<V> rangeValues(
      StoreDef<K, V> store, K from, K to, int partition, boolean activeOnly) {
    add(ranges, store);
    return real.rangeValues(store, from, to, partition, activeOnly);
  }

  @Override
  public <V> Set<Integer> scanActive(
      StoreDef<String, V> store, String from, String to, EntrySink<V> sink) {
    add(ranges, store);
    return real.scanActive(store, from, to, sink);
  }

  @Override
  public long lag(StoreDef<?, ?> store, int partition) {
    return real.lag(store, partition);
  }
}
