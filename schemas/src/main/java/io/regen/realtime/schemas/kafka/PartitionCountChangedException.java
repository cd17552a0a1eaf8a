package io.regen.realtime.schemas.kafka;

/**
 * The partition count of a topic keyed by user changed while this process ran: records would go to
 * other partitions than the ones readers compute (key = userId), splitting a user's history. Not
 * retryable; the operator must restore the topic (see {@code docs/reliability.md}).
 */
public class PartitionCountChangedException extends DurabilityException {
  public PartitionCountChangedException(String message) {
    super(message);
  }
}
