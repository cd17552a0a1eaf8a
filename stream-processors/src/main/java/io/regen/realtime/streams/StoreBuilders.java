package io.regen.realtime.streams;

import java.util.Arrays;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builders of the {@link Stores}: persistent RocksDB (unless {@link
 * TopologySettings#inMemoryStores()}), with changelog, and the record cache unless {@link
 * StoreDef#recordCache()} says otherwise.
 */
final class StoreBuilders {
  private StoreBuilders() {}

  static <K, V> StoreBuilder<KeyValueStore<K, V>> of(
      StoreDef<K, V> def, TopologySettings settings) {
    StoreBuilder<KeyValueStore<K, V>> builder =
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                settings.inMemoryStores()
                    ? org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(def.name())
                    : org.apache.kafka.streams.state.Stores.persistentKeyValueStore(def.name()),
                def.keySerde(),
                def.valueSerde())
            .withLoggingEnabled(java.util.Map.of());
    return def.recordCache() ? builder.withCachingEnabled() : builder.withCachingDisabled();
  }

  /**
   * Adds the stores to {@code builder}, in order; returns their names, to connect them to the
   * processor that uses them.
   */
  static String[] addTo(StreamsBuilder builder, TopologySettings settings, StoreDef<?, ?>... defs) {
    for (StoreDef<?, ?> def : defs) {
      builder.addStateStore(of(def, settings));
    }
    return Arrays.stream(defs).map(StoreDef::name).toArray(String[]::new);
  }
}
