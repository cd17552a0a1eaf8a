package io.regen.realtime.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record are not a readable record: not Confluent-framed, an unknown magic byte, a
 * schema id the registry definitively does not know (404), or an Avro body that does not decode
 * with its writer schema. Reading it again will not help: a consumer skips it, counts it and logs
 * its topic, partition and offset.
 *
 * <p>A registry outage is never reported this way; see {@link SchemaUnavailableException}.
 */
public class UndecodableRecordException extends SerializationException {
  public UndecodableRecordException(String message) {
    super(message);
  }

  public UndecodableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
