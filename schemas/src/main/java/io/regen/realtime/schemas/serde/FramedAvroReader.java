package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The reading half of both deserializers (specific and generic): reads Confluent-framed Avro,
 * resolving each message's writer schema (fetched by id, cached with its datum reader) against the
 * reader schema. Anything it cannot read is a {@link SerializationException} naming the reason.
 * Thread-safe.
 */
final class FramedAvroReader<T> {
  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final BiFunction<Schema, Schema, DatumReader<T>> datumReader;
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

  /**
   * @param datumReader makes the datum reader for (writer schema, reader schema)
   */
  FramedAvroReader(
      SchemaRegistryClient registry,
      Schema readerSchema,
      BiFunction<Schema, Schema, DatumReader<T>> datumReader) {
    AvroCodec.trustPlatformClasses();
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readerSchema = readerSchema;
    this.datumReader = datumReader;
  }

  T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = WireFormat.schemaId(data);
    DatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
    try {
      return AvroCodec.decode(reader, data, WireFormat.HEADER_SIZE);
    } catch (Exception e) {
      throw new SerializationException(
          "Cannot decode "
              + readerSchema.getFullName()
              + " (writer schema id "
              + id
              + ") from topic "
              + topic
              + ": "
              + e,
          e);
    }
  }

  private DatumReader<T> readerFor(int id) {
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "Cannot fetch writer schema id " + id + " from the registry: " + e.getMessage(), e);
    }
    return datumReader.apply(writerSchema, readerSchema);
  }
}
