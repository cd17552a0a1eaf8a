package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds the value serdes of {@link Topic}s against one registry, with the subject named by
 * Confluent's TopicNameStrategy ({@code <topic>-value}).
 */
public final class RegistrySerdes {
  private final SchemaRegistryClient registry;
  private final boolean autoRegister;

  /** Serdes that register their schema on first use. */
  public RegistrySerdes(SchemaRegistryClient registry) {
    this(registry, true);
  }

  public RegistrySerdes(SchemaRegistryClient registry, boolean autoRegister) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.autoRegister = autoRegister;
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public <V extends SpecificRecord> RegistryAvroSerde<V> valueSerde(Topic<?, V> topic) {
    return new RegistryAvroSerde<>(valueSerializer(topic), valueDeserializer(topic));
  }

  public <V extends SpecificRecord> RegistryAvroSerializer<V> valueSerializer(Topic<?, V> topic) {
    return new RegistryAvroSerializer<>(
        registry, topic.valueSubject(), topic.valueType(), autoRegister);
  }

  public <V extends SpecificRecord> RegistryAvroDeserializer<V> valueDeserializer(
      Topic<?, V> topic) {
    return new RegistryAvroDeserializer<>(registry, topic.valueType());
  }
}
