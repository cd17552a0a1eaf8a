package io.regen.realtime.streams;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A state store of the processors with its key and value serdes. Stores are declared once, in
 * {@link Stores}; no other code spells a store name, so the topologies and the query layer cannot
 * disagree about a name or a format.
 *
 * @param name the store name (also part of its changelog topic's name: renaming it loses the data)
 * @param keySerde how keys are written
 * @param valueSerde how values are written
 * @param recordCache whether writes go through Kafka Streams' record cache (collapsing a key's
 *     updates until the commit). Interactive range queries read past the cache and key queries
 *     through it, so a store whose ranges must agree with a cached key's value is uncached.
 */
public record StoreDef<K, V>(
    String name, Serde<K> keySerde, Serde<V> valueSerde, boolean recordCache) {
  public StoreDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }

  /** A store with the record cache. */
  public StoreDef(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this(name, keySerde, valueSerde, true);
  }

  @Override
  public String toString() {
    return name;
  }
}
