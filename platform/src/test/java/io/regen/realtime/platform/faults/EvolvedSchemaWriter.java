package io.regen.realtime.platform.faults;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.GenericRegistryAvroSerializer;
import io.regen.realtime.testsupport.TestJobEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker writing job events with a <b>newer</b> version of the job event schema: {@code JobEvent}
 * plus an optional field ({@value #NEW_FIELD}, default null), a BACKWARD-compatible evolution that
 * the registry registers as a new version on the first write. Readers that never saw that version
 * (a restarted gateway or Streams instance) need the registry to decode these events. Jobs of
 * {@link SdkPublisher#EVENTS_PER_JOB} events (started, three progress, completed) for one user, one
 * job per {@code interval}; records what the brokers acknowledged.
 */
final class EvolvedSchemaWriter implements AutoCloseable {
  static final String NEW_FIELD = "faultSuiteNote";

  private final KafkaProducer<String, GenericRecord> producer;
  private final Schema evolved = evolvedSchema();
  private final String prefix;
  private final String user;
  private final Set<EventId> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> completed = ConcurrentHashMap.newKeySet();
  private final AtomicLong jobs = new AtomicLong();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "evolved-writer");
            t.setDaemon(true);
            return t;
          });

  /** Registers the new schema version now (its first write); publishes on {@link #start}. */
  EvolvedSchemaWriter(String bootstrap, String registryUrl, String prefix, String user) {
    this.prefix = prefix;
    this.user = user;
    GenericRegistryAvroSerializer values =
        new GenericRegistryAvroSerializer(
            new HttpSchemaRegistryClient(registryUrl),
            Topics.JOB_EVENTS.valueSubject(),
            evolved,
            true);
    this.producer =
        new KafkaProducer<>(
            KafkaClientConfigs.plaintext(bootstrap).producer("evolved-writer-" + prefix),
            new StringSerializer(),
            values);
    // Registers the version (and caches its id) before any outage: a write that is never sent.
    values.serialize(Topics.JOB_EVENTS.name(), record(jobId(-1), 0, TestJobEvents.progress(0)));
  }

  /** Publishes one job per {@code interval} until closed. */
  void start(Duration interval) {
    ticker.scheduleAtFixedRate(this::publishJob, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void publishJob() {
    String jobId = jobId(jobs.getAndIncrement());
    List<Object> payloads =
        List.of(
            TestJobEvents.started(SdkPublisher.JOB_TYPE),
            TestJobEvents.progress(25),
            TestJobEvents.progress(50),
            TestJobEvents.progress(75),
            TestJobEvents.completed(1));
    for (int seq = 0; seq < payloads.size(); seq++) {
      EventId id = new EventId(jobId, seq);
      boolean last = seq == payloads.size() - 1;
      producer.send(
          new ProducerRecord<>(
              Topics.JOB_EVENTS.name(), user, record(jobId, seq, payloads.get(seq))),
          (metadata, error) -> {
            if (error == null) {
              acked.add(id);
              if (last) {
                completed.add(jobId);
              }
            }
          });
    }
  }

  private String jobId(long n) {
    return prefix + "-" + user + "-" + n;
  }

  /** The event as a record of the newer schema (the old one's fields, the new field set). */
  private GenericRecord record(String jobId, long seq, Object payload) {
    JobEvent event = TestJobEvents.jobEvent(user, jobId, seq, Instant.now(), "evolved", payload);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new SpecificDatumWriter<>(JobEvent.class).write(event, encoder);
      encoder.flush();
      GenericRecord record =
          new GenericDatumReader<GenericRecord>(JobEvent.getClassSchema(), evolved)
              .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
      record.put(NEW_FIELD, "written with the newer version");
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema evolvedSchema() {
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode schema = (ObjectNode) json.readTree(JobEvent.getClassSchema().toString());
    ObjectNode field = ((ArrayNode) schema.get("fields")).addObject();
    field.put("name", NEW_FIELD);
    field.putArray("type").add("null").add("string");
    field.putNull("default");
    return new Schema.Parser().parse(json.writeValueAsString(schema));
  }

  String prefix() {
    return prefix;
  }

  /** The acknowledged events (a snapshot). */
  Set<EventId> acknowledged() {
    return Set.copyOf(acked);
  }

  /** Jobs whose completed event was acknowledged (a snapshot). */
  Set<String> completedJobs() {
    return Set.copyOf(completed);
  }

  /** Stops publishing and waits for what was sent. */
  void stop() {
    ticker.shutdown();
    try {
      ticker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    producer.close(Duration.ofSeconds(5));
  }
}
