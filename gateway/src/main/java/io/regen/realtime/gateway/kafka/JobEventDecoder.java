package io.regen.realtime.gateway.kafka;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.serde.SchemaUnavailableException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the gateway's raw event records (the consumers keep values as bytes) into {@link
 * JobEvent}s. A record whose bytes cannot be decoded ({@code UndecodableRecordException}, a poison
 * record) is counted, logged with its position (the first ten, then every thousandth) and skipped,
 * never fatal to the reader. A record that cannot be decoded because the schema registry is
 * unavailable ({@link SchemaUnavailableException}) is <b>not</b> skipped: it is counted and thrown
 * as {@link RecordNotYetDecodableException}, and the reader reads it again later. Thread-safe.
 */
public final class JobEventDecoder {
  private static final Logger log = LoggerFactory.getLogger(JobEventDecoder.class);

  private final Deserializer<JobEvent> deserializer;
  private final Runnable onUndecodable;
  private final Runnable onRegistryUnavailable;
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();

  /**
   * @param onUndecodable called once per skipped record (a metric)
   * @param onRegistryUnavailable called once per record not decodable now (a metric)
   */
  public JobEventDecoder(
      Deserializer<JobEvent> deserializer, Runnable onUndecodable, Runnable onRegistryUnavailable) {
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
    this.onUndecodable = Objects.requireNonNull(onUndecodable, "onUndecodable");
    this.onRegistryUnavailable =
        Objects.requireNonNull(onRegistryUnavailable, "onRegistryUnavailable");
  }

  /**
   * The event, or null when the record is not a decodable job event (skipped).
   *
   * @throws RecordNotYetDecodableException the registry is unavailable: read the record again later
   */
  public JobEvent decode(ConsumerRecord<String, byte[]> r) {
    try {
      JobEvent e = deserializer.deserialize(r.topic(), r.headers(), r.value());
      if (e == null) {
        throw new IllegalArgumentException("null value");
      }
      return e;
    } catch (RuntimeException e) {
      if (SchemaUnavailableException.isCauseOf(e)) {
        onRegistryUnavailable.run();
        long n = unavailable.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
          log.warn(
              "Registry unavailable at record {}-{}@{} ({} so far); it will be read again: {}",
              r.topic(),
              r.partition(),
              r.offset(),
              n,
              e.toString());
        }
        throw new RecordNotYetDecodableException(r.topic(), r.partition(), r.offset(), e);
      }
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
