package io.regen.realtime.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import io.regen.realtime.schemas.registry.SwitchableSchemaRegistry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RegistryAvroSerdeTest {
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final RegistryAvroSerde<JobEvent> serde =
      new RegistrySerdes(registry).valueSerde(Topics.JOB_EVENTS);
  private final String topic = Topics.JOB_EVENTS.name();

  @Test
  void roundTripsAndRegistersUnderTheTopicNameStrategySubject() {
    JobEvent event = TestEvents.progress("job-1", 3, 42);
    byte[] bytes = serde.serializer().serialize(topic, event);

    assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(event);
    assertThat(registry.versions("jobs.events.v1-value")).containsExactly(1);
    assertThat(registry.latest("jobs.events.v1-value").schema())
        .isEqualTo(JobEvent.getClassSchema());
  }

  @Test
  void wireFormatIsMagicZeroThenBigEndianIdThenAvroBody() throws Exception {
    // Take an id other than 1 so byte order matters.
    for (int i = 0; i < 299; i++) {
      registry.register(
          "filler-" + i,
          new Schema.Parser().parse("{\"type\":\"fixed\",\"name\":\"F" + i + "\",\"size\":1}"));
    }
    JobEvent event = TestEvents.progress("job-2", 0, 1);
    byte[] bytes = serde.serializer().serialize(topic, event);
    int id = registry.lookupId("jobs.events.v1-value", JobEvent.getClassSchema());
    assertThat(id).isEqualTo(300);

    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0, 0, 1, 44);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
    JobEvent body =
        new SpecificDatumReader<JobEvent>(JobEvent.class)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    assertThat(body).isEqualTo(event);
  }

  @Test
  void badMagicByteIsAClearSerializationException() {
    byte[] bytes = serde.serializer().serialize(topic, TestEvents.progress("j", 0, 1));
    bytes[0] = 1;
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("magic byte 1");
  }

  @Test
  void messagesShorterThanTheHeaderAreAClearSerializationException() {
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("3 bytes");
  }

  @Test
  void truncatedBodyIsAClearSerializationException() {
    byte[] bytes = serde.serializer().serialize(topic, TestEvents.progress("job-3", 0, 1));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot decode io.regen.realtime.events.JobEvent")
        .hasMessageContaining(topic);
  }

  @Test
  void unknownSchemaIdIsAClearSerializationException() {
    byte[] bytes = serde.serializer().serialize(topic, TestEvents.progress("job-4", 0, 1));
    WireFormat.writeHeader(bytes, 4242);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 4242")
        .hasRootCauseInstanceOf(SchemaRegistryException.class);
  }

  @Test
  void aRegistryThatRefusesTheSchemaFailsTheSendLoudly() {
    SchemaRegistryClient refusing = new InMemorySchemaRegistryClient();
    refusing.register(
        "jobs.events.v1-value",
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"JobEvent\",\"namespace\":\"io.regen.realtime.events\","
                    + "\"fields\":[{\"name\":\"other\",\"type\":\"string\"}]}"));
    var serializer = new RegistrySerdes(refusing).valueSerializer(Topics.JOB_EVENTS);
    assertThatThrownBy(() -> serializer.serialize(topic, TestEvents.progress("j", 0, 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining("jobs.events.v1-value");
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaIsRefused() {
    var serializer = new RegistrySerdes(registry, false).valueSerializer(Topics.JOB_EVENTS);
    assertThatThrownBy(() -> serializer.serialize(topic, TestEvents.progress("j", 0, 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("refused");
    registry.register("jobs.events.v1-value", JobEvent.getClassSchema());
    assertThat(serializer.serialize(topic, TestEvents.progress("j", 0, 1))).isNotEmpty();
  }

  @Test
  void nullsPassThrough() {
    assertThat(serde.serializer().serialize(topic, null)).isNull();
    assertThat(serde.deserializer().deserialize(topic, null)).isNull();
  }

  @Test
  void payloadUnionDecodesToTheSpecificPayloadClass() {
    byte[] bytes = serde.serializer().serialize(topic, TestEvents.progress("job-5", 1, 50));
    assertThat(serde.deserializer().deserialize(topic, bytes).getPayload())
        .isInstanceOf(JobProgress.class);
  }

  @Test
  void aRegistryOutageIsSchemaUnavailableAndTheSameBytesDecodeOnceItIsBack() {
    byte[] bytes = serde.serializer().serialize(topic, TestEvents.progress("job-6", 2, 20));
    var outage = new SwitchableSchemaRegistry(registry);
    var fresh = new RegistrySerdes(outage).valueSerde(Topics.JOB_EVENTS).deserializer();
    outage.goDown();

    assertThatThrownBy(() -> fresh.deserialize(topic, bytes))
        .isInstanceOfSatisfying(
            SchemaUnavailableException.class,
            e -> {
              assertThat(e.schemaId()).isEqualTo(WireFormat.schemaId(bytes));
              assertThat(e).isInstanceOf(SerializationException.class);
            })
        .hasMessageContaining("registry unavailable")
        .hasMessageContaining("schema id " + WireFormat.schemaId(bytes));
    assertThat(SchemaUnavailableException.isCauseOf(new RuntimeException(catchIt(fresh, bytes))))
        .isTrue();

    outage.comeBack();
    assertThat(fresh.deserialize(topic, bytes)).isEqualTo(TestEvents.progress("job-6", 2, 20));
  }

  @Test
  void parseErrorsAreUndecodableNotUnavailable() {
    byte[] bytes = serde.serializer().serialize(topic, TestEvents.progress("job-7", 0, 1));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);
    byte[] unknownId = bytes.clone();
    WireFormat.writeHeader(unknownId, 4243);
    for (byte[] bad : new byte[][] {truncated, unknownId, {0, 0}, {7, 0, 0, 0, 1, 2}}) {
      assertThatThrownBy(() -> serde.deserializer().deserialize(topic, bad))
          .isInstanceOf(UndecodableRecordException.class)
          .isNotInstanceOf(SchemaUnavailableException.class)
          .satisfies(e -> assertThat(SchemaUnavailableException.isCauseOf(e)).isFalse());
    }
  }

  private static Exception catchIt(
      org.apache.kafka.common.serialization.Deserializer<JobEvent> d, byte[] bytes) {
    try {
      d.deserialize(Topics.JOB_EVENTS.name(), bytes);
      throw new AssertionError("expected a failure");
    } catch (SerializationException e) {
      return e;
    }
  }
}
