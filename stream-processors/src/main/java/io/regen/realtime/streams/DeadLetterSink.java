package io.regen.realtime.streams;

/**
 * Where the records a processor threw on are kept.
 *
 * <p>Contract: {@link #publish} returns only once the dead letter is stored durably (for Kafka:
 * acknowledged by the in-sync replicas), and throws if it could not be; the caller skips the record
 * only after a successful publish, so a record is never both skipped and unrecorded. Thread-safe
 * (several stream threads share one sink).
 */
public interface DeadLetterSink extends AutoCloseable {
  /** Stores {@code letter}; throws if it could not be stored. */
  void publish(DeadLetter letter);

  @Override
  void close();
}
