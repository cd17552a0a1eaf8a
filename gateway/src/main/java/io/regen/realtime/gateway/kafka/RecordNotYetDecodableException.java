package io.regen.realtime.gateway.kafka;

/**
 * A record that cannot be decoded <b>now</b> because the schema registry is unavailable and its
 * writer schema is not cached: the reader must not advance past it, but read it again later (seek
 * back to {@link #offset()}, back off). Not a poison record: those are skipped by {@link
 * JobEventDecoder}.
 */
public final class RecordNotYetDecodableException extends RuntimeException {
  private final int partition;
  private final long offset;

  RecordNotYetDecodableException(String topic, int partition, long offset, Throwable cause) {
    super(
        "record "
            + topic
            + "-"
            + partition
            + "@"
            + offset
            + " cannot be decoded until the schema registry is back: "
            + cause.getMessage(),
        cause,
        false,
        false);
    this.partition = partition;
    this.offset = offset;
  }

  /** The partition of the record to read again. */
  public int partition() {
    return partition;
  }

  /** The offset to seek back to. */
  public long offset() {
    return offset;
  }
}
