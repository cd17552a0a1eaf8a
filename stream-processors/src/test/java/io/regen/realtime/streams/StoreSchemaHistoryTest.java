package io.regen.realtime.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.schemas.registry.AvroCompatibility;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The job-state value schema through the project's compatibility rules: the current schema reads
 * every earlier store schema (BACKWARD, the direction a changelog and state directory need) and
 * earlier versions read the current one (FORWARD, a rolling upgrade's older instance reading a
 * forwarded answer), each earlier version is the current one minus appended fields, and values
 * written in each earlier version's binary decode with the store's serde.
 */
class StoreSchemaHistoryTest {
  private static final Schema CURRENT = JobState.getClassSchema();
  private static final List<Schema> EARLIER =
      StoreSchemaHistory.earlier("job-state", StoreSchemaHistory.JOB_STATE_EARLIER_VERSIONS);

  @Test
  void theCurrentJobStateSchemaIsFullyCompatibleWithEveryEarlierStoreSchema() {
    for (Schema earlier : EARLIER) {
      assertThat(
              AvroCompatibility.incompatibilities(
                  CompatibilityLevel.FULL_TRANSITIVE, CURRENT, List.of(earlier)))
          .as("job-state vs earlier store schema with %d fields", earlier.getFields().size())
          .isEmpty();
    }
  }

  @Test
  void everyEarlierVersionIsTheCurrentSchemaMinusAppendedFields() {
    // Plain binary has no schema id: only append-only evolution lets the serde tell versions apart
    // (an earlier value ends before the appended fields).
    for (Schema earlier : EARLIER) {
      List<String> names = earlier.getFields().stream().map(Schema.Field::name).toList();
      List<String> current = CURRENT.getFields().stream().map(Schema.Field::name).toList();
      assertThat(current.subList(0, names.size())).isEqualTo(names);
      for (Schema.Field f : earlier.getFields()) {
        assertThat(SchemaNormalization.toParsingForm(CURRENT.getField(f.name()).schema()))
            .as(f.name())
            .isEqualTo(SchemaNormalization.toParsingForm(f.schema()));
      }
      for (Schema.Field appended : CURRENT.getFields().subList(names.size(), current.size())) {
        assertThat(appended.hasDefaultValue()).as(appended.name()).isTrue();
      }
    }
    assertThat(EARLIER.get(0).getFields()).hasSize(CURRENT.getFields().size() - 1);
    assertThat(CURRENT.getField("responseBytes")).isNotNull();
  }

  @Test
  void aV2ValueWithItsTextInResponseSoFarReadsWithTheTextAndZeroBytes() throws IOException {
    Schema v2 = EARLIER.get(0);
    GenericRecord old = legacy(v2);
    old.put("attempt", 3);
    JobState read = Stores.JOB_STATE.valueSerde().deserializer().deserialize("t", encode(v2, old));
    assertThat(read.getResponseSoFar()).isEqualTo("text of v2");
    assertThat(read.getResponseBytes()).isZero();
    assertThat(read.getAttempt()).isEqualTo(3);
    assertThat(read.getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(read.getLastSeq()).isEqualTo(7);
    assertThat(read.getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
    assertThat(JobResponses.hasChunks(read)).isFalse();
  }

  @Test
  void aV1ValueWithoutAnAttemptReadsAsTheFirstAttempt() throws IOException {
    Schema v1 = EARLIER.get(1);
    assertThat(v1.getField("attempt")).isNull();
    JobState read =
        Stores.JOB_STATE.valueSerde().deserializer().deserialize("t", encode(v1, legacy(v1)));
    assertThat(read.getAttempt()).isEqualTo(1);
    assertThat(read.getResponseSoFar()).isEqualTo("text of v2");
    assertThat(read.getLastSeq()).isEqualTo(7);
  }

  @Test
  void aCurrentValueRoundTripsAndBytesOfAnotherShapeAreAClearError() {
    var serde = Stores.JOB_STATE.valueSerde();
    JobState state =
        JobState.newBuilder()
            .setJobId("j")
            .setUserId("u")
            .setStatus(JobStatus.QUEUED)
            .setResponseBytes(42)
            .build();
    byte[] bytes = serde.serializer().serialize("t", state);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(state);

    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 3); // a newer schema's value?
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", longer))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("JobState");
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {2, 'j'}))
        .isInstanceOf(SerializationException.class);
  }

  private static GenericRecord legacy(Schema schema) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("jobId", "j1");
    r.put("userId", "u1");
    r.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), "RUNNING"));
    r.put("progressPercent", 10);
    r.put("lastSeq", 7L);
    r.put("eventCounts", Map.of("model:chunk:v1", 2L));
    r.put("anomalies", 0L);
    r.put("duplicates", 0L);
    r.put("responseSoFar", "text of v2");
    r.put("responseTruncated", false);
    r.put("researchSteps", List.of());
    r.put("researchStepsTruncated", false);
    r.put("updatedAt", 1_000L);
    return r;
  }

  private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
