package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro as {@link GenericRecord}s of a given reader schema, resolving each
 * message's writer schema (by id, cached) against it. The generic counterpart of {@link
 * RegistryAvroDeserializer}, for readers whose schema has no generated class on the classpath.
 */
public final class GenericRegistryAvroDeserializer implements Deserializer<GenericRecord> {
  private final FramedAvroReader<GenericRecord> reader;

  public GenericRegistryAvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
    Objects.requireNonNull(registry, "registry");
    this.reader =
        new FramedAvroReader<>(
            registry,
            Objects.requireNonNull(readerSchema, "readerSchema"),
            (writer, read) -> new GenericDatumReader<>(writer, read, GenericData.get()));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public GenericRecord deserialize(String topic, byte[] data) {
    return reader.deserialize(topic, data);
  }

  @Override
  public void close() {}
}
