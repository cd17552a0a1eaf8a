package io.regen.realtime.schemas.serde;

import io.regen.realtime.schemas.registry.SchemaRegistryUnavailableException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be read <b>because the schema registry is unavailable</b> (unreachable, timed
 * out, 5xx) while its writer schema was not cached yet. The bytes are probably fine: a consumer
 * must not skip or commit past this record; it reads it again once the registry is back (retry with
 * backoff, pause the partition, or fail the task so it reprocesses).
 *
 * <p>Compare {@link UndecodableRecordException}: the bytes themselves are unreadable, and skipping
 * them (counted, logged with their position) is the only way forward. Both are {@link
 * SerializationException}s so existing handlers keep compiling; tell them apart with {@link
 * #isCauseOf(Throwable)}, which also sees through Kafka's {@code RecordDeserializationException}
 * and Streams' wrappers.
 */
public class SchemaUnavailableException extends SerializationException {
  private final int schemaId;

  public SchemaUnavailableException(
      int schemaId, String message, SchemaRegistryUnavailableException cause) {
    super(message, cause);
    this.schemaId = schemaId;
  }

  /** The writer schema id that could not be fetched. */
  public int schemaId() {
    return schemaId;
  }

  /**
   * Whether {@code failure} or one of its causes is a {@link SchemaUnavailableException} (or a raw
   * {@link SchemaRegistryUnavailableException}): the record must be read again later, not skipped.
   */
  public static boolean isCauseOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SchemaUnavailableException
          || t instanceof SchemaRegistryUnavailableException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
