package io.regen.realtime.sdk;

import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What a request-loop IT needs: a {@link TestKafka} broker, an in-memory registry, a producer of
 * job requests and a reader of every job event since the start. Shared by the worker-sdk and
 * workers ITs (published in worker-sdk's test-jar).
 */
public final class KafkaJobsFixture implements AutoCloseable {
  private final TestKafka kafka;
  private final SchemaRegistryClient registry;
  private final KafkaProducer<String, JobRequest> requests;
  private final TestKafka.EventsReader events;

  private KafkaJobsFixture(TestKafka kafka, SchemaRegistryClient registry) {
    this.kafka = kafka;
    this.registry = registry;
    this.requests = kafka.requestProducer(registry);
    this.events = kafka.eventsReader(registry);
  }

  public static KafkaJobsFixture start() throws Exception {
    TestKafka kafka = TestKafka.start();
    try {
      return new KafkaJobsFixture(kafka, new InMemorySchemaRegistryClient());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public TestKafka kafka() {
    return kafka;
  }

  public String bootstrap() {
    return kafka.bootstrap();
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  /** Sends a request keyed by its jobId and waits for the broker's acknowledgement. */
  public void send(JobRequest request) throws Exception {
    TestKafka.send(requests, request);
  }

  /** The events of one job read so far, in the order they were read. */
  public List<JobEvent> events(String jobId) {
    return events.events(jobId);
  }

  /** Waits (up to 60 s) until the job's last event is terminal; returns all its events. */
  public List<JobEvent> awaitTerminal(String jobId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              List<JobEvent> list = events(jobId);
              return !list.isEmpty()
                  && EventTypes.isTerminal(list.get(list.size() - 1).getPayload());
            });
    return events(jobId);
  }

  @Override
  public void close() throws Exception {
    try (kafka;
        requests) {
      events.close();
    }
  }
}
