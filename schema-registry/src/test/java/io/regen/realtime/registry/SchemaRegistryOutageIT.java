package io.regen.realtime.registry;

import static io.regen.realtime.registry.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When Kafka goes away the registry keeps serving what it knows and fails writes with 500s. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SchemaRegistryOutageIT {

  @Test
  void writesFailWithAStoreErrorAndReadsAreServedFromMemoryWhileKafkaIsDown() {
    EmbeddedKafka kafka = new EmbeddedKafka();
    try (SchemaRegistryServer server =
        new SchemaRegistryServer(
            kafka.bootstrapServers(), 0, "_schemas-" + UUID.randomUUID(), Duration.ofSeconds(30))) {
      server.start();
      var client = new HttpSchemaRegistryClient(server.url());
      int id = client.register("outage-value", record("Outage"));

      kafka.close();

      var fresh =
          new HttpSchemaRegistryClient(server.url(), Duration.ofSeconds(2), Duration.ofSeconds(60));
      assertThat(fresh.schemaById(id)).isEqualTo(record("Outage"));
      assertThat(fresh.latest("outage-value").id()).isEqualTo(id);
      assertThatThrownBy(() -> fresh.register("outage-value", record("Outage", "more")))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> {
                assertThat(e.httpStatus()).isEqualTo(500);
                assertThat(e.errorCode())
                    .isIn(
                        SchemaRegistryException.STORE_ERROR,
                        SchemaRegistryException.OPERATION_TIMEOUT);
              });
    }
  }
}
