package io.regen.realtime.streams.internal;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.SessionEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of the input records: {@code occurredAt} of a job event, {@code requestedAt} of a
 * request, {@code at} of a session event, so windows are by when things happened, not when they
 * were produced. Falls back to the record timestamp (then the partition time) for anything else.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Object value = record.value();
    java.time.Instant at = null;
    if (value instanceof JobEvent e) {
      at = e.getOccurredAt();
    } else if (value instanceof JobRequest r) {
      at = r.getRequestedAt();
    } else if (value instanceof SessionEvent s) {
      at = s.getAt();
    }
    if (at != null && at.toEpochMilli() >= 0) {
      return at.toEpochMilli();
    }
    if (record.timestamp() >= 0) {
      return record.timestamp();
    }
    return Math.max(0, partitionTime);
  }
}
