package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The writing half of both serializers (specific and generic): the schema is registered under
 * {@code subject} once (or only looked up, when auto-registration is off) and its id cached for the
 * writer's life; each record is framed in Confluent's wire format. A registry that refuses the
 * schema fails the first write loudly. Thread-safe.
 */
final class FramedAvroWriter<T> {
  private final SchemaRegistryClient registry;
  private final String subject;
  private final Schema schema;
  private final DatumWriter<T> writer;
  private final boolean autoRegister;
  private volatile int schemaId = -1;

  FramedAvroWriter(
      SchemaRegistryClient registry,
      String subject,
      Schema schema,
      DatumWriter<T> writer,
      boolean autoRegister) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.schema = schema;
    this.writer = writer;
    this.autoRegister = autoRegister;
  }

  byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    int id = schemaId();
    try {
      byte[] bytes = AvroCodec.encode(writer, data, WireFormat.HEADER_SIZE);
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
}
