package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link GenericRecord}s of one schema in Confluent's wire format: for tools, tests of
 * schema evolution (a writer with a schema no generated class has) and payloads whose class is not
 * on the classpath. Same registration rules as {@link RegistryAvroSerializer}.
 */
public final class GenericRegistryAvroSerializer implements Serializer<GenericRecord> {
  private final FramedAvroWriter<GenericRecord> writer;

  public GenericRegistryAvroSerializer(
      SchemaRegistryClient registry, String subject, Schema schema, boolean autoRegister) {
    Objects.requireNonNull(schema, "schema");
    this.writer =
        new FramedAvroWriter<>(
            registry,
            subject,
            schema,
            new GenericDatumWriter<>(schema, GenericData.get()),
            autoRegister);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public byte[] serialize(String topic, GenericRecord data) {
    return writer.serialize(topic, data);
  }

  @Override
  public void close() {}
}
