package io.regen.realtime.schemas.serde;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
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
 *
 * <p>Evolution of a stored value: append fields with defaults and hand the serde the schemas the
 * store was written with before ({@link #AvroBinarySerde(Class, List)}). A value is read with the
 * current schema first and must fill the bytes exactly; a value written by an earlier schema ends
 * before the appended fields (end of input), and is then read with each earlier schema, newest
 * first, resolved to the current class (the appended fields take their defaults).
 */
public final class AvroBinarySerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {
  private final Class<T> type;
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;
  private final List<SpecificDatumReader<T>> earlierReaders;

  public AvroBinarySerde(Class<T> type) {
    this(type, List.of());
  }

  /**
   * @param earlierWriters the schemas values of this type were stored with before, newest first;
   *     each must be the current schema minus fields appended since (checked by the store's schema
   *     history test), so that only a value of that version reads exactly to its end
   */
  public AvroBinarySerde(Class<T> type, List<Schema> earlierWriters) {
    AvroCodec.trustPlatformClasses();
    this.type = Objects.requireNonNull(type, "type");
    // The class's own model carries the logical-type conversions (timestamp-millis <-> Instant).
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.reader = new SpecificDatumReader<>(schema, schema, model);
    this.earlierReaders =
        earlierWriters.stream()
            .map(writerSchema -> new SpecificDatumReader<T>(writerSchema, schema, model))
            .toList();
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
      return earlierReaders.isEmpty() ? AvroCodec.decode(reader, data, 0) : readExactly(data);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot read " + type.getSimpleName() + ": " + e, e);
    }
  }

  private T readExactly(byte[] data) throws IOException {
    IOException current;
    try {
      return readToEnd(reader, data);
    } catch (IOException e) {
      current = e;
    }
    for (SpecificDatumReader<T> earlier : earlierReaders) {
      try {
        return readToEnd(earlier, data);
      } catch (IOException | RuntimeException e) {
        current.addSuppressed(e);
      }
    }
    throw current;
  }

  private static <T> T readToEnd(SpecificDatumReader<T> reader, byte[] data) throws IOException {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
    T value = reader.read(null, decoder);
    if (!decoder.isEnd()) {
      throw new IOException("bytes left after the record: written by a newer schema?");
    }
    return value;
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
