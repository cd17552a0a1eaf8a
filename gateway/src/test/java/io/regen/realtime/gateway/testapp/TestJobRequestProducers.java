package io.regen.realtime.gateway.testapp;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The unit tests' producer of {@code jobs.requests.v1}: a {@link MockProducer} with the real
 * serializers (string key, registry Avro value against an in-memory registry), so what a test reads
 * back from its history went through the same serialization as in production.
 */
public final class TestJobRequestProducers {
  private TestJobRequestProducers() {}

  /** Every send succeeds at once. */
  public static MockProducer<String, JobRequest> acknowledging() {
    return create(true);
  }

  /** Sends stay pending until the test completes or fails them ({@code errorNext}). */
  public static MockProducer<String, JobRequest> manual() {
    return create(false);
  }

  private static MockProducer<String, JobRequest> create(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete,
        null,
        new StringSerializer(),
        new RegistrySerdes(new InMemorySchemaRegistryClient())
            .valueSerializer(Topics.JOB_REQUESTS));
  }
}
