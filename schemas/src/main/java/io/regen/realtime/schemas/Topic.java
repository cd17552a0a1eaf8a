package io.regen.realtime.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with its key serde and value type. Topics are declared once, in {@link Topics}; no
 * other code spells a topic name. The value serde needs a schema registry, so it is built at run
 * time from {@link io.regen.realtime.schemas.serde.RegistrySerdes}.
 *
 * @param name the topic name
 * @param keySerde how keys are written (plain, no registry)
 * @param valueType the generated Avro SpecificRecord class of the values
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Class<V> valueType) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueType, "valueType");
  }

  /** Subject of the value schema under Confluent's TopicNameStrategy. */
  public String valueSubject() {
    return name + "-value";
  }

  /** Subject of the key schema under Confluent's TopicNameStrategy. */
  public String keySubject() {
    return name + "-key";
  }
}
