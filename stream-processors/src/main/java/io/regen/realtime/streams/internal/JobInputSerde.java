package io.regen.realtime.streams.internal;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the repartition topic {@code job-inputs-by-job}: a tag byte, for events the source
 * partition (int) and offset (long), then the record in registry framing (schema id + Avro), so a
 * rolling upgrade with a newer event schema still reads what the older version wrote.
 */
public final class JobInputSerde
    implements Serde<JobInput>, Serializer<JobInput>, Deserializer<JobInput> {
  private static final byte EVENT = 1;
  private static final byte REQUEST = 2;

  private final Serde<JobEvent> events;
  private final Serde<JobRequest> requests;

  public JobInputSerde(RegistrySerdes serdes) {
    this.events = serdes.valueSerde(Topics.JOB_EVENTS);
    this.requests = serdes.valueSerde(Topics.JOB_REQUESTS);
  }

  @Override
  public byte[] serialize(String topic, JobInput input) {
    if (input == null) {
      return null;
    }
    if (input instanceof JobInput.PositionedEvent e) {
      byte[] body = events.serializer().serialize(Topics.JOB_EVENTS.name(), e.event());
      return ByteBuffer.allocate(1 + 4 + 8 + body.length)
          .put(EVENT)
          .putInt(e.partition())
          .putLong(e.offset())
          .put(body)
          .array();
    }
    JobInput.Requested r = (JobInput.Requested) input;
    byte[] body = requests.serializer().serialize(Topics.JOB_REQUESTS.name(), r.request());
    return ByteBuffer.allocate(1 + body.length).put(REQUEST).put(body).array();
  }

  @Override
  public JobInput deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length > 13 && data[0] == EVENT) {
      ByteBuffer buffer = ByteBuffer.wrap(data, 1, 12);
      int partition = buffer.getInt();
      long offset = buffer.getLong();
      JobEvent event =
          events
              .deserializer()
              .deserialize(Topics.JOB_EVENTS.name(), Arrays.copyOfRange(data, 13, data.length));
      return new JobInput.PositionedEvent(partition, offset, event);
    }
    if (data.length > 1 && data[0] == REQUEST) {
      return new JobInput.Requested(
          requests
              .deserializer()
              .deserialize(Topics.JOB_REQUESTS.name(), Arrays.copyOfRange(data, 1, data.length)));
    }
    throw new SerializationException(
        "Not a job input record (tag " + (data.length > 0 ? data[0] : -1) + ")");
  }

  @Override
  public Serializer<JobInput> serializer() {
    return this;
  }

  @Override
  public Deserializer<JobInput> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
