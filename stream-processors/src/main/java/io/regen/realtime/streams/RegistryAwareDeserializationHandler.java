package io.regen.realtime.streams;

import io.regen.realtime.schemas.serde.SchemaUnavailableException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a registry outage apart from a poison record:
 *
 * <ul>
 *   <li>{@link SchemaUnavailableException} (the registry is down, the record is probably fine):
 *       <b>fail</b> the task after a short pause. Under exactly-once the open transaction is
 *       aborted and nothing past the last commit is committed; the replaced stream thread re-reads
 *       the record from the committed offset, so a registry outage delays the job state but never
 *       skips an event. Counted in {@link FaultCounters#registryUnavailable()}.
 *   <li>anything else (bad framing, unknown schema id, undecodable Avro): logged with its
 *       topic/partition/offset and skipped. Counted in {@link FaultCounters#undecodableSkipped()}
 *       and in Streams' own {@code dropped-records-total} task metric.
 * </ul>
 */
public final class RegistryAwareDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger log =
      LoggerFactory.getLogger(RegistryAwareDeserializationHandler.class);

  /** How long the thread waits before failing, so an outage is retried about once a second. */
  public static final String OUTAGE_BACKOFF = "regen.registry.outage.backoff.ms";

  private Duration backoff = Duration.ofSeconds(1);

  @Override
  public void configure(Map<String, ?> configs) {
    Object value = configs.get(OUTAGE_BACKOFF);
    if (value != null) {
      backoff = Duration.ofMillis(Long.parseLong(value.toString()));
    }
  }

  @Override
  public DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (SchemaUnavailableException.isCauseOf(exception)) {
      FaultCounters.REGISTRY_UNAVAILABLE.incrementAndGet();
      log.warn(
          "Schema registry unavailable reading {}-{}@{}; failing the task to read it again: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          exception.getMessage());
      pause();
      return DeserializationHandlerResponse.FAIL;
    }
    FaultCounters.UNDECODABLE.incrementAndGet();
    log.warn(
        "Skipping undecodable record {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        exception.toString());
    return DeserializationHandlerResponse.CONTINUE;
  }

  private void pause() {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
