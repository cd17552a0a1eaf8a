package io.regen.realtime.streams.internal;

import io.regen.realtime.events.JobEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Wraps each job event with its partition and offset in {@code jobs.events.v1}. */
public final class PositionCapture implements FixedKeyProcessor<String, JobEvent, JobInput> {
  private FixedKeyProcessorContext<String, JobInput> context;

  @Override
  public void init(FixedKeyProcessorContext<String, JobInput> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, JobEvent> record) {
    if (record.value() == null) {
      return;
    }
    RecordMetadata metadata =
        context
            .recordMetadata()
            .orElseThrow(() -> new IllegalStateException("job events without source metadata"));
    context.forward(
        record.withValue(
            new JobInput.PositionedEvent(metadata.partition(), metadata.offset(), record.value())));
  }
}
