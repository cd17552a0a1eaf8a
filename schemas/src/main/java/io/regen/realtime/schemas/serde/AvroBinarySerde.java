package io.regen.realtime.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry framing) of a generated record, for values only one application
 * writes and reads (state stores and their changelogs, internal repartition topics): a registry
 * lookup per record would add an outage dependency and buy nothing. The price: a change of the
 * schema must stay binary-compatible with what is stored, or use a new store name. Same codec as
 * the registry serdes ({@link AvroCodec}). Thread-safe.
 */
public final class AvroBinarySerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {
  private final Class<T> type;
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;

  public AvroBinarySerde(Class<T> type) {
    AvroCodec.trustPlatformClasses();
    this.type = Objects.requireNonNull(type, "type");
    // The class's own model carries the logical-type conversions (timestamp-millis <-> Instant).
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.reader = new SpecificDatumReader<>(schema, schema, model);
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public byte[] serialize(String topic, T value) {
    if (value == null) {
      return null;
    }
    try {
      return AvroCodec.encode(writer, value, 0);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot write " + type.getSimpleName() + ": " + e, e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return AvroCodec.decode(reader, data, 0);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot read " + type.getSimpleName() + ": " + e, e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
