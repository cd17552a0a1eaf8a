package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes SpecificRecords in Confluent's wire format. The schema is registered under {@code subject}
 * once (or only looked up, when auto-registration is off) and its id cached for the serializer's
 * life; a registry that refuses the schema fails the first send loudly.
 */
public final class RegistryAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final SchemaRegistryClient registry;
  private final String subject;
  private final boolean autoRegister;
  private final Schema schema;
  private final SpecificDatumWriter<T> writer;
  private volatile int schemaId = -1;

  public RegistryAvroSerializer(
      SchemaRegistryClient registry, String subject, Class<T> type, boolean autoRegister) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.autoRegister = autoRegister;
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public byte[] serialize(String topic, T data) {
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
