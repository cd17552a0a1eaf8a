package io.regen.realtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.ChangeLoggingKeyValueBytesStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

/**
 * The layers each store is built with. The response chunks must be written through (no record
 * cache): a query reads the state by key, which sees the cache, and the chunks by range, which does
 * not — a cached chunk store made a running job's state not add up until the next commit (a 503 the
 * SDK's "open a job mid-stream" test got).
 */
class StoreBuildersTest {
  private final TopologySettings settings =
      TopologySettings.defaults(new RegistrySerdes(new InMemorySchemaRegistryClient()));

  private List<Class<?>> layersOf(StoreDef<?, ?> def) {
    List<Class<?>> layers = new ArrayList<>();
    StateStore store = StoreBuilders.of(def, settings).build();
    while (store instanceof WrappedStateStore<?, ?, ?> wrapped) {
      layers.add(store.getClass());
      store = wrapped.wrapped();
    }
    layers.add(store.getClass());
    return layers;
  }

  @Test
  void theResponseChunksAreWrittenThroughWithAChangelog() {
    assertThat(layersOf(Stores.JOB_RESPONSE_CHUNKS))
        .contains(ChangeLoggingKeyValueBytesStore.class)
        .doesNotContain(CachingKeyValueStore.class);
  }

  @Test
  void everyOtherStoreKeepsTheRecordCacheAndTheChangelog() {
    for (StoreDef<?, ?> def : Stores.all()) {
      if (def == Stores.JOB_RESPONSE_CHUNKS) {
        continue;
      }
      assertThat(layersOf(def))
          .as(def.name())
          .contains(CachingKeyValueStore.class, ChangeLoggingKeyValueBytesStore.class);
    }
  }
}
