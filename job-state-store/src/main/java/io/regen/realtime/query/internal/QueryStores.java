package io.regen.realtime.query.internal;

import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.Stores;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;

/** Looks up the String-keyed stores that the internal range endpoint may scan, by name. */
public final class QueryStores {
  private QueryStores() {}

  /** The store of that name if its keys are strings; empty otherwise. */
  @SuppressWarnings("unchecked")
  public static Optional<StoreDef<String, Object>> stringKeyed(String name) {
    for (StoreDef<?, ?> store : Stores.all()) {
      if (store.name().equals(name) && store.keySerde() instanceof Serdes.StringSerde) {
        return Optional.of((StoreDef<String, Object>) store);
      }
    }
    return Optional.empty();
  }
}
