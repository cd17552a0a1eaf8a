package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro into SpecificRecords of {@code type}, resolving the writer's schema
 * (fetched by id, cached) against the reader's, so an older reader reads newer events and vice
 * versa. Anything it cannot read is a {@link SerializationException} naming the reason.
 */
public final class RegistryAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  /** The platform's generated event classes' package, trusted by Avro's class validator below. */
  private static final String EVENTS_PACKAGE = "io.regen.realtime.";

  static {
    // Avro 1.12 resolves record classes by name only if they pass a JVM-wide validator, which
    // trusts just java.* and Avro's own classes by default; without this every read of a generated
    // record fails with "Forbidden io.regen.realtime.events.JobEvent".
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(), c -> c.getName().startsWith(EVENTS_PACKAGE)));
  }

  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final SpecificData model;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  public RegistryAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
  }

  /** The reader schema; for tests that read as an older or newer version of a record. */
  public RegistryAvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.model = SpecificData.get();
    this.readerSchema = readerSchema;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = WireFormat.schemaId(data);
    SpecificDatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
      return reader.read(null, decoder);
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

  private SpecificDatumReader<T> readerFor(int id) {
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "Cannot fetch writer schema id " + id + " from the registry: " + e.getMessage(), e);
    }
    return new SpecificDatumReader<>(writerSchema, readerSchema, model);
  }

  @Override
  public void close() {}
}
