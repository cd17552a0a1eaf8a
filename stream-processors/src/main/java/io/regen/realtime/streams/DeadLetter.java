package io.regen.realtime.streams;

import java.util.Objects;

/**
 * A source record a processor threw on, with where it came from and why it failed.
 *
 * @param sourceTopic topic of the record that was being processed
 * @param partition its partition
 * @param offset its offset
 * @param processorNodeId the processor that threw
 * @param taskId the Streams task
 * @param key the source record's raw key bytes (may be null)
 * @param value the source record's raw value bytes (may be null)
 * @param error the exception, as text
 */
public record DeadLetter(
    String sourceTopic,
    int partition,
    long offset,
    String processorNodeId,
    String taskId,
    byte[] key,
    byte[] value,
    String error) {
  public DeadLetter {
    Objects.requireNonNull(sourceTopic, "sourceTopic");
    Objects.requireNonNull(error, "error");
  }
}
