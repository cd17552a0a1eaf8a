package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro into SpecificRecords of {@code type}, resolving the writer's schema
 * (fetched by id, cached) against the reader's, so an older reader reads newer events and vice
 * versa. A record it cannot read is an {@link UndecodableRecordException} (bad bytes: skip) or a
 * {@link SchemaUnavailableException} (registry down: read again later), both {@link
 * SerializationException}s naming the reason.
 */
public final class RegistryAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final FramedAvroReader<T> reader;

  public RegistryAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this(registry, SpecificData.getForClass(type), SpecificData.getForClass(type).getSchema(type));
  }

  /** The reader schema; for tests that read as an older or newer version of a record. */
  public RegistryAvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
    this(registry, SpecificData.get(), readerSchema);
  }

  private RegistryAvroDeserializer(
      SchemaRegistryClient registry, SpecificData model, Schema readerSchema) {
    this.reader =
        new FramedAvroReader<>(
            registry,
            readerSchema,
            (writer, read) -> new SpecificDatumReader<>(writer, read, model));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public T deserialize(String topic, byte[] data) {
    return reader.deserialize(topic, data);
  }

  @Override
  public void close() {}
}
