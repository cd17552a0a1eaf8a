package io.regen.realtime.streams;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be deserialized (poison record, unknown schema id, registry outage for a new
 * id) is logged with its topic/partition/offset and skipped, so it never stops the processors.
 * Skips are counted in {@link #skipped()} (JVM-wide; expose it as a gauge) and in Streams' own
 * {@code dropped-records-total} task metric.
 */
public final class LogAndCountDeserializationHandler extends LogAndContinueExceptionHandler {
  private static final Logger log =
      LoggerFactory.getLogger(LogAndCountDeserializationHandler.class);
  private static final AtomicLong SKIPPED = new AtomicLong();

  @Override
  public DeserializationExceptionHandler.DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    SKIPPED.incrementAndGet();
    log.warn(
        "Skipping undeserializable record {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        exception.toString());
    return DeserializationExceptionHandler.DeserializationHandlerResponse.CONTINUE;
  }

  /** Records skipped in this JVM since it started. */
  public static long skipped() {
    return SKIPPED.get();
  }
}
