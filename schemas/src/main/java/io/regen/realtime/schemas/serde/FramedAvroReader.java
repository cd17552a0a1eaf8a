package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryUnavailableException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;

/**
 * The reading half of both deserializers (specific and generic): reads Confluent-framed Avro,
 * resolving each message's writer schema (fetched by id, cached with its datum reader) against the
 * reader schema. A record it cannot read is an {@link UndecodableRecordException} (skip it) or,
 * when the registry is unavailable, a {@link SchemaUnavailableException} (read it again later),
 * each naming the reason. Thread-safe.
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
      throw new UndecodableRecordException(
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
    } catch (SchemaRegistryUnavailableException e) {
      // Not cached, so a later read fetches it again: nothing about this id is remembered.
      throw new SchemaUnavailableException(
          id,
          "Cannot fetch writer schema id "
              + id
              + ": registry unavailable, read this record again later: "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      throw new UndecodableRecordException(
          "Cannot fetch writer schema id " + id + " from the registry: " + e.getMessage(), e);
    }
    return datumReader.apply(writerSchema, readerSchema);
  }
}
