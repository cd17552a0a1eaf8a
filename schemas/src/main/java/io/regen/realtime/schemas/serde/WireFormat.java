package io.regen.realtime.schemas.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary body.
 */
public final class WireFormat {
  private WireFormat() {}

  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  /**
   * The schema id of a framed message; an {@link UndecodableRecordException} if it is not framed.
   */
  public static int schemaId(byte[] data) {
    if (data == null || data.length < HEADER_SIZE) {
      throw new UndecodableRecordException(
          "Not a schema-registry framed Avro message: "
              + (data == null ? "null" : data.length + " bytes")
              + ", need at least "
              + HEADER_SIZE);
    }
    if (data[0] != MAGIC_BYTE) {
      throw new UndecodableRecordException(
          "Unknown magic byte " + data[0] + ": not a schema-registry framed Avro message");
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }

  /** Writes the header for {@code schemaId} into the first five bytes of {@code target}. */
  public static void writeHeader(byte[] target, int schemaId) {
    target[0] = MAGIC_BYTE;
    target[1] = (byte) (schemaId >>> 24);
    target[2] = (byte) (schemaId >>> 16);
    target[3] = (byte) (schemaId >>> 8);
    target[4] = (byte) schemaId;
  }
}
