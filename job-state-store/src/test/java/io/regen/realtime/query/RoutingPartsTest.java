package io.regen.realtime.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.query.internal.HttpRemoteStoreClient;
import io.regen.realtime.query.internal.KafkaStoreLocatorAccess;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.streams.JobStateTopology;
import io.regen.realtime.streams.RegenTopology;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.TopologySettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * The pieces around the routing: store → source topics, remote failures (the error mapping:
 * QueryExceptionHandlerTest).
 */
class RoutingPartsTest {

  @Test
  void everyStoreOfTheTopologyHasItsSourceTopics() {
    var topology =
        RegenTopology.build(
                TopologySettings.defaults(new RegistrySerdes(new InMemorySchemaRegistryClient())))
            .describe();
    Map<String, Set<String>> byStore = KafkaStoreLocatorAccess.sourceTopicsByStore(topology);
    for (var store : Stores.all()) {
      assertThat(byStore).as(store.name()).containsKey(store.name());
      assertThat(byStore.get(store.name())).as(store.name()).isNotEmpty();
    }
    // job state is updated from jobs.events.v1 directly (its partitions are the store's), plus
    // the requests repartitioned by userId
    assertThat(byStore.get(Stores.JOB_STATE.name()))
        .containsExactlyInAnyOrder(
            Topics.JOB_EVENTS.name(), JobStateTopology.REQUESTS_REPARTITION + "-repartition");
  }

  @Test
  void anUnreachableInstanceIsUnavailableNotAnError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var client =
        new HttpRemoteStoreClient(
            Duration.ofMillis(300),
            Duration.ofMillis(500),
            Duration.ofMillis(100),
            io.regen.realtime.query.internal.ServiceCredential.random());
    HostInfo dead = new HostInfo("localhost", port);
    assertThatThrownBy(() -> client.jobState(dead, "j", 0, false, null, true, "Bearer x"))
        .isInstanceOf(QueryUnavailableException.class)
        .extracting(e -> ((QueryUnavailableException) e).reason())
        .isEqualTo(Reason.OWNER_UNREACHABLE);
    assertThatThrownBy(() -> client.range(dead, Stores.DAU_DAILY, "a", "b", 1, null).join())
        .hasCauseInstanceOf(QueryUnavailableException.class);
  }
}
