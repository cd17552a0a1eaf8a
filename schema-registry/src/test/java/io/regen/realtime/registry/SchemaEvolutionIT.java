package io.regen.realtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.GenericRegistryAvroDeserializer;
import io.regen.realtime.schemas.serde.GenericRegistryAvroSerializer;
import io.regen.realtime.schemas.serde.RegistryAvroDeserializer;
import io.regen.realtime.schemas.serde.RegistryAvroSerializer;
import io.regen.realtime.schemas.serde.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Schema evolution end to end: a v1 producer (generated JobEvent) and a v2 producer (v1 plus an
 * optional traceId) write to one Kafka topic through the embedded registry over HTTP; a v1 consumer
 * and a v2 consumer each read every event.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SchemaEvolutionIT {
  private static EmbeddedKafka kafka;
  private static SchemaRegistryServer registry;

  @BeforeAll
  static void start() {
    kafka = new EmbeddedKafka();
    registry =
        new SchemaRegistryServer(
            kafka.bootstrapServers(), 0, "_schemas-" + UUID.randomUUID(), Duration.ofSeconds(30));
    registry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
    kafka.close();
  }

  @Test
  void v1AndV2ConsumersReadEventsOfBothVersions() {
    String topic = "evolution-" + UUID.randomUUID();
    String subject = topic + "-value";
    Schema v2 = TestEvents.jobEventV2();
    var producerClient = new HttpSchemaRegistryClient(registry.url());
    // TopicNameStrategy subject of the test topic, as RegistrySerdes names the real ones.
    var v1Serializer = new RegistryAvroSerializer<>(producerClient, subject, JobEvent.class, true);
    var v2Serializer = new GenericRegistryAvroSerializer(producerClient, subject, v2, true);

    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, v1Serializer.serialize(topic, v1Event(0))));
      producer.send(new ProducerRecord<>(topic, v2Serializer.serialize(topic, v2Event(v2, 1))));
      producer.flush();
    }
    assertThat(producerClient.versions(subject)).containsExactly(1, 2);

    // Fresh clients: the consumers learn the writer schemas from the registry by id.
    List<JobEvent> v1Read =
        consume(
            topic,
            new RegistryAvroDeserializer<>(
                new HttpSchemaRegistryClient(registry.url()), JobEvent.class));
    assertThat(v1Read).containsExactly(v1Event(0), v1Event(1));

    List<GenericRecord> v2Read =
        consume(
            topic,
            new GenericRegistryAvroDeserializer(new HttpSchemaRegistryClient(registry.url()), v2));
    assertThat(v2Read).hasSize(2);
    assertThat(v2Read.get(0).get("traceId")).isNull();
    assertThat(v2Read.get(1).get("traceId")).hasToString("trace-1");
    assertThat(v2Read.get(1).get("seq")).isEqualTo(1L);
  }

  private static JobEvent v1Event(long seq) {
    return JobEvent.newBuilder()
        .setEventId(new UUID(0, seq).toString())
        .setJobId("job-1")
        .setUserId("alice")
        .setSeq(seq)
        .setOccurredAt(Instant.ofEpochMilli(1_700_000_000_000L + seq))
        .setProducer("worker-1")
        .setPayload(JobProgress.newBuilder().setPercent((int) seq).setMessage("m" + seq).build())
        .build();
  }

  private static GenericRecord v2Event(Schema v2, long seq) {
    return TestEvents.progressV2(v2, v1Event(seq), "trace-" + seq);
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static <T> List<T> consume(String topic, Deserializer<T> deserializer) {
    List<T> read = new ArrayList<>();
    try (KafkaConsumer<byte[], T> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "evolution-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            deserializer)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
                return read.size() >= 2;
              });
    }
    return read;
  }
}
