package io.regen.realtime.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A v1 consumer reads events written with a compatible v2 schema (v1 plus an optional {@code
 * traceId}) and a v2 consumer reads v1 events, through the real serdes and a registry.
 */
class SchemaEvolutionTest {
  private static final String SUBJECT = Topics.JOB_EVENTS.valueSubject();
  private final String topic = Topics.JOB_EVENTS.name();
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final Schema v2 = TestEvents.jobEventV2();

  @Test
  void v1ReaderDecodesEventsWrittenWithV2() {
    // v1 is registered first, as in production; v2 then passes the BACKWARD check.
    new RegistrySerdes(registry).valueSerializer(Topics.JOB_EVENTS).serialize(topic, v1Event());
    var v2Writer = new GenericRegistryAvroSerializer(registry, SUBJECT, v2, true);

    byte[] bytes = v2Writer.serialize(topic, v2Event("trace-123"));

    assertThat(registry.versions(SUBJECT)).containsExactly(1, 2);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(registry.latest(SUBJECT).id());
    JobEvent read =
        new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS).deserialize(topic, bytes);
    assertThat(read).isEqualTo(v1Event());
    assertThat(read.getPayload()).isInstanceOf(JobProgress.class);
  }

  @Test
  void v2ReaderDecodesV1EventsWithTheDefaultTraceId() {
    byte[] bytes =
        new RegistrySerdes(registry).valueSerializer(Topics.JOB_EVENTS).serialize(topic, v1Event());

    GenericRecord read =
        new GenericRegistryAvroDeserializer(registry, v2).deserialize(topic, bytes);

    assertThat(read.getSchema()).isEqualTo(v2);
    assertThat(read.get("traceId")).isNull();
    assertThat(read.get("jobId")).hasToString("job-7");
    assertThat(read.get("seq")).isEqualTo(7L);
    GenericRecord payload = (GenericRecord) read.get("payload");
    assertThat(payload.getSchema().getName()).isEqualTo("JobProgress");
    assertThat(payload.get("percent")).isEqualTo(70);
  }

  @Test
  void v2ReaderReadsItsOwnTraceId() {
    byte[] bytes =
        new GenericRegistryAvroSerializer(registry, SUBJECT, v2, true)
            .serialize(topic, v2Event("trace-9"));
    GenericRecord read =
        new GenericRegistryAvroDeserializer(registry, v2).deserialize(topic, bytes);
    assertThat(read.get("traceId")).isEqualTo(new Utf8("trace-9"));
  }

  @Test
  void anIncompatibleV2IsRefusedByTheRegistryBeforeAnythingIsWritten() {
    new RegistrySerdes(registry).valueSerializer(Topics.JOB_EVENTS).serialize(topic, v1Event());
    // v2 with traceId required (no default): v1 data cannot be read with it.
    ObjectNode json = (ObjectNode) JsonMapper.builder().build().readTree(v2.toString());
    for (JsonNode field : json.withArray("fields")) {
      if (field.get("name").asString().equals("traceId")) {
        ((ObjectNode) field).put("type", "string").remove("default");
      }
    }
    Schema breaking = new Schema.Parser().parse(json.toString());
    assertThat(breaking.getField("traceId").hasDefaultValue()).isFalse();
    var writer = new GenericRegistryAvroSerializer(registry, SUBJECT, breaking, true);
    GenericRecord event = new GenericData.Record(breaking);

    assertThatThrownBy(() -> writer.serialize(topic, event))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("incompatible");
    assertThat(registry.versions(SUBJECT)).containsExactly(1);
    assertThat(registry.compatibility(SUBJECT)).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  private static JobEvent v1Event() {
    return TestEvents.progress("job-7", 7, 70);
  }

  private GenericRecord v2Event(String traceId) {
    return TestEvents.progressV2(v2, v1Event(), traceId);
  }
}
