package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro as {@link GenericRecord}s of a given reader schema, resolving each
 * message's writer schema (by id, cached) against it. The generic counterpart of {@link
 * RegistryAvroDeserializer}, for readers whose schema has no generated class on the classpath.
 */
public final class GenericRegistryAvroDeserializer implements Deserializer<GenericRecord> {
  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

  public GenericRegistryAvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readerSchema = Objects.requireNonNull(readerSchema, "readerSchema");
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public GenericRecord deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = WireFormat.schemaId(data);
    GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id, this::readerFor);
    try {
      return reader.read(
          null,
          DecoderFactory.get()
              .binaryDecoder(
                  data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null));
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

  private GenericDatumReader<GenericRecord> readerFor(int id) {
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "Cannot fetch writer schema id " + id + " from the registry: " + e.getMessage(), e);
    }
    return new GenericDatumReader<>(writerSchema, readerSchema, GenericData.get());
  }

  @Override
  public void close() {}
}
