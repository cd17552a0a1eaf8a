package io.regen.realtime.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The {@code attempt} field of {@code JobEvent} (released in {@code history/v2}) through the
 * registry's BACKWARD gate, in both directions: a worker still on v1 writes events that current
 * readers read as attempt 1, and a reader still on v1 reads events of attempt 2 (without the
 * field).
 */
class AttemptFieldEvolutionTest {
  private static final String SUBJECT = Topics.JOB_EVENTS.valueSubject();
  private final String topic = Topics.JOB_EVENTS.name();
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final Schema v1 = released("v1");

  @Test
  void releasedV1HasNoAttemptAndTheCurrentSchemaDefaultsItToOne() {
    assertThat(v1.getField("attempt")).isNull();
    Schema.Field attempt = JobEvent.getClassSchema().getField("attempt");
    assertThat(attempt.schema().getType()).isEqualTo(Schema.Type.INT);
    assertThat(attempt.defaultVal()).isEqualTo(1);
  }

  @Test
  void anOlderWriterKeepsWorkingAndItsEventsReadAsAttemptOne() {
    // The v1 writer registers first (as a worker not yet upgraded would); the current writer's
    // schema then passes the gate as version 2.
    byte[] old =
        new GenericRegistryAvroSerializer(registry, SUBJECT, v1, true).serialize(topic, v1Event());
    byte[] current = serializer().serialize(topic, event(2));

    assertThat(registry.versions(SUBJECT)).containsExactly(1, 2);
    assertThat(registry.compatibility(SUBJECT)).isEqualTo(CompatibilityLevel.BACKWARD);
    JobEvent readOld = deserializer().deserialize(topic, old);
    assertThat(readOld.getAttempt()).isEqualTo(1);
    assertThat(readOld.getSeq()).isEqualTo(3L);
    assertThat(deserializer().deserialize(topic, current).getAttempt()).isEqualTo(2);
  }

  @Test
  void anOlderReaderKeepsWorkingOnEventsWithAnAttempt() {
    byte[] bytes = serializer().serialize(topic, event(2));

    GenericRecord read =
        new GenericRegistryAvroDeserializer(registry, v1).deserialize(topic, bytes);

    assertThat(read.getSchema()).isEqualTo(v1);
    assertThat(read.hasField("attempt")).isFalse();
    assertThat(read.get("jobId")).hasToString("job-3");
    assertThat(read.get("seq")).isEqualTo(3L);
    assertThat(((GenericRecord) read.get("payload")).get("percent")).isEqualTo(30);
  }

  private RegistryAvroSerializer<JobEvent> serializer() {
    return new RegistrySerdes(registry).valueSerializer(Topics.JOB_EVENTS);
  }

  private RegistryAvroDeserializer<JobEvent> deserializer() {
    return new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS);
  }

  private static JobEvent event(int attempt) {
    return TestEvents.progress("job-3", 3, 30, attempt);
  }

  private GenericRecord v1Event() {
    return TestEvents.progressAs(v1, event(1)).build();
  }

  private static Schema released(String version) {
    Path here = Path.of("").toAbsolutePath();
    Path module = Files.isDirectory(here.resolve("history")) ? here : here.resolve("schemas");
    try {
      return new Schema.Parser()
          .parse(Files.readString(module.resolve("history/" + version + "/job-event.avsc")));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
