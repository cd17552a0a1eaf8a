package io.regen.realtime.gateway.testapp;

import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.gateway.delivery.DeliveryProperties;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import io.regen.realtime.testsupport.TestJobEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A real in-process KRaft broker for delivery ITs, with a producer of job events. */
public final class DeliveryKafka implements AutoCloseable {
  public static final int PARTITIONS = 12;

  public final EmbeddedKafkaKraftBroker broker;
  public final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  public final RegistrySerdes serdes = new RegistrySerdes(registry);
  private final KafkaProducer<String, JobEvent> producer;

  public DeliveryKafka() {
    broker = KafkaTestBrokers.startKraft(PARTITIONS);
    producer = KafkaTestBrokers.orderedEventProducer(broker.getBrokersAsString(), registry, 1);
  }

  public String bootstrap() {
    return broker.getBrokersAsString();
  }

  /** A fresh topic of 12 partitions, typed like the events topic. */
  public Topic<String, JobEvent> newTopic(Map<String, String> configs) {
    String name = "events-it-" + UUID.randomUUID();
    NewTopic t = new NewTopic(name, PARTITIONS, (short) 1).configs(configs);
    broker.addTopics(t);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                producer.partitionsFor(name).size() == PARTITIONS
                    && producer.partitionsFor(name).stream().allMatch(i -> i.leader() != null));
    return new Topic<>(name, Serdes.String(), JobEvent.class);
  }

  public Topic<String, JobEvent> newTopic() {
    return newTopic(Map.of());
  }

  public Deserializer<JobEvent> deserializer() {
    return serdes.valueDeserializer(io.regen.realtime.schemas.Topics.JOB_EVENTS);
  }

  public GatewayKafkaClients clients() {
    return new GatewayKafkaClients(
        bootstrap(), Map.of(), DeliveryProperties.defaults().fetchMaxWait());
  }

  public static JobEvent event(String userId, String jobId, long seq) {
    Object payload =
        seq == 0
            ? new JobStarted("model", "in")
            : new JobProgress((int) Math.min(100, seq), "step " + seq);
    return TestJobEvents.jobEvent(userId, jobId, seq, Instant.now(), "test-worker", payload);
  }

  public static JobEvent completed(String userId, String jobId, long seq) {
    JobEvent e = event(userId, jobId, seq);
    e.setPayload(new JobCompleted("done", 5L));
    return e;
  }

  public Future<RecordMetadata> sendAsync(Topic<String, JobEvent> topic, JobEvent e) {
    return producer.send(new ProducerRecord<>(topic.name(), e.getUserId(), e));
  }

  public RecordMetadata send(Topic<String, JobEvent> topic, JobEvent e) {
    try {
      return sendAsync(topic, e).get();
    } catch (InterruptedException | ExecutionException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Publishes events seq from..to-1 of a job and waits for all acks. */
  public void publish(
      Topic<String, JobEvent> topic, String userId, String jobId, long from, long to) {
    List<Future<RecordMetadata>> acks = new java.util.ArrayList<>();
    for (long seq = from; seq < to; seq++) {
      acks.add(sendAsync(topic, event(userId, jobId, seq)));
    }
    producer.flush();
    for (Future<RecordMetadata> f : acks) {
      try {
        f.get();
      } catch (InterruptedException | ExecutionException ex) {
        throw new IllegalStateException(ex);
      }
    }
  }

  public KafkaProducer<String, JobEvent> producer() {
    return producer;
  }

  @Override
  public void close() {
    producer.close();
    broker.destroy();
  }
}
