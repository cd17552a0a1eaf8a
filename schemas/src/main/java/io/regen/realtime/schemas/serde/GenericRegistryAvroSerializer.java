package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link GenericRecord}s of one schema in Confluent's wire format: for tools, tests of
 * schema evolution (a writer with a schema no generated class has) and payloads whose class is not
 * on the classpath. Same registration rules as {@link RegistryAvroSerializer}.
 */
public final class GenericRegistryAvroSerializer implements Serializer<GenericRecord> {
  private final SchemaRegistryClient registry;
  private final String subject;
  private final boolean autoRegister;
  private final Schema schema;
  private final GenericDatumWriter<GenericRecord> writer;
  private volatile int schemaId = -1;

  public GenericRegistryAvroSerializer(
      SchemaRegistryClient registry, String subject, Schema schema, boolean autoRegister) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.autoRegister = autoRegister;
    this.writer = new GenericDatumWriter<>(schema, GenericData.get());
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public byte[] serialize(String topic, GenericRecord data) {
    if (data == null) {
      return null;
    }
    int id = schemaId();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(new byte[WireFormat.HEADER_SIZE]);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
      byte[] bytes = out.toByteArray();
      WireFormat.writeHeader(bytes, id);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot serialize " + schema.getFullName() + " for topic " + topic + ": " + e, e);
    }
  }

  private int schemaId() {
    int id = schemaId;
    if (id < 0) {
      synchronized (this) {
        id = schemaId;
        if (id < 0) {
          try {
            id =
                autoRegister
                    ? registry.register(subject, schema)
                    : registry.lookupId(subject, schema);
          } catch (RuntimeException e) {
            throw new SerializationException(
                "Schema registry refused "
                    + schema.getFullName()
                    + " under subject "
                    + subject
                    + ": "
                    + e.getMessage(),
                e);
          }
          schemaId = id;
        }
      }
    }
    return id;
  }

  @Override
  public void close() {}
}
