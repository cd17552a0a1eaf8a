package io.regen.realtime.gateway.kafka;

import io.regen.realtime.events.JobEvent;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the gateway's raw event records (the consumers keep values as bytes) into {@link
 * JobEvent}s: a record that cannot be decoded is counted, logged (the first ten, then every
 * thousandth) and skipped, never fatal to the reader. Thread-safe.
 */
public final class JobEventDecoder {
  private static final Logger log = LoggerFactory.getLogger(JobEventDecoder.class);

  private final Deserializer<JobEvent> deserializer;
  private final Runnable onUndecodable;
  private final AtomicLong undecodable = new AtomicLong();

  /**
   * @param onUndecodable called once per skipped record (a metric)
   */
  public JobEventDecoder(Deserializer<JobEvent> deserializer, Runnable onUndecodable) {
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.onUndecodable = Objects.requireNonNull(onUndecodable, "onUndecodable");
  }

  /** The event, or null when the record is not a decodable job event. */
  public JobEvent decode(ConsumerRecord<String, byte[]> r) {
    try {
      JobEvent e = deserializer.deserialize(r.topic(), r.headers(), r.value());
      if (e == null) {
        throw new IllegalArgumentException("null value");
      }
      return e;
    } catch (RuntimeException e) {
      onUndecodable.run();
      long n = undecodable.incrementAndGet();
      if (n <= 10 || n % 1000 == 0) {
        log.warn(
            "Skipping undecodable record {}-{}@{} ({} so far): {}",
            r.topic(),
            r.partition(),
            r.offset(),
            n,
            e.toString());
      }
      return null;
    }
  }
}
