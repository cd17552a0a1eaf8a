package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes SpecificRecords in Confluent's wire format. The schema is registered under {@code subject}
 * once (or only looked up, when auto-registration is off) and its id cached for the serializer's
 * life; a registry that refuses the schema fails the first send loudly.
 */
public final class RegistryAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final FramedAvroWriter<T> writer;

  public RegistryAvroSerializer(
      SchemaRegistryClient registry, String subject, Class<T> type, boolean autoRegister) {
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.writer =
        new FramedAvroWriter<>(
            registry, subject, schema, new SpecificDatumWriter<>(schema, model), autoRegister);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public byte[] serialize(String topic, T data) {
    return writer.serialize(topic, data);
  }

  @Override
  public void close() {}
}
