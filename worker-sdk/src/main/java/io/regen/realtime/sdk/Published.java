package io.regen.realtime.sdk;

import io.regen.realtime.schemas.LogPosition;

/**
 * Where an event landed once Kafka acknowledged it (acks=all).
 *
 * @param partition the partition of {@code jobs.events.v1}
 * @param offset the offset in that partition
 * @param seq the event's sequence number within its job
 */
public record Published(int partition, long offset, long seq) {

  /** The position as the platform's cursor type. */
  public LogPosition position() {
    return new LogPosition(partition, offset);
  }
}
