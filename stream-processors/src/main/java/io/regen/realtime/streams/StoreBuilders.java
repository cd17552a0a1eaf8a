package io.regen.realtime.streams;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builders of the {@link Stores}: persistent RocksDB (unless {@link
 * TopologySettings#inMemoryStores()}), with changelog and record cache.
 */
final class StoreBuilders {
  private StoreBuilders() {}

  static <K, V> StoreBuilder<KeyValueStore<K, V>> of(
      StoreDef<K, V> def, TopologySettings settings) {
    return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            settings.inMemoryStores()
                ? org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(def.name())
                : org.apache.kafka.streams.state.Stores.persistentKeyValueStore(def.name()),
            def.keySerde(),
            def.valueSerde())
        .withCachingEnabled()
        .withLoggingEnabled(java.util.Map.of());
  }
}
