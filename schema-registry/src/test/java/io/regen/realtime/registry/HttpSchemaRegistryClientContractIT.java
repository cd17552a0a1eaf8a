package io.regen.realtime.registry;

import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClientContract;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The client contract over HTTP against the real registry server on a real broker. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HttpSchemaRegistryClientContractIT extends SchemaRegistryClientContract {
  private static EmbeddedKafka kafka;
  private static SchemaRegistryServer server;

  @BeforeAll
  static void startServer() {
    kafka = new EmbeddedKafka();
    server =
        new SchemaRegistryServer(
            kafka.bootstrapServers(), 0, "_schemas-" + UUID.randomUUID(), Duration.ofSeconds(30));
    server.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  protected SchemaRegistryClient newClient() {
    return new HttpSchemaRegistryClient(server.url());
  }
}
