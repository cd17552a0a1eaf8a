package io.regen.realtime.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Key of one chunk's text in {@link Stores#JOB_RESPONSE_CHUNKS}: the job, the attempt that produced
 * the chunk and the chunk event's seq.
 *
 * <p>Binary form: the jobId's UTF-8 length (2 bytes), the jobId, the attempt (4 bytes) and the seq
 * (8 bytes), big-endian. The length prefix keeps one job's keys from ever sharing a prefix with
 * another's ({@code "a"} and {@code "ab"}), and fixed-width big-endian numbers make RocksDB's
 * bytewise order the numeric order for non-negative values: {@code range(first(job, a), last(job,
 * a, seq))} returns the attempt's chunks in the order they were applied (applied seqs only grow).
 *
 * @param attempt ≥ 1
 * @param seq ≥ 0 (the chunk event's seq in its attempt)
 */
public record ResponseChunkKey(String jobId, int attempt, long seq) {
  private static final int MAX_JOB_ID_BYTES = 0xFFFF;
  private static final Serde<ResponseChunkKey> SERDE = new KeySerde();

  public ResponseChunkKey {
    Objects.requireNonNull(jobId, "jobId");
    if (attempt < 0 || seq < 0) {
      throw new IllegalArgumentException(
          "attempt and seq must be non-negative (bytewise order): " + attempt + ", " + seq);
    }
  }

  /** The lowest key of an attempt's chunks. */
  public static ResponseChunkKey first(String jobId, int attempt) {
    return new ResponseChunkKey(jobId, attempt, 0);
  }

  /** The highest possible key of an attempt's chunks. */
  public static ResponseChunkKey last(String jobId, int attempt) {
    return new ResponseChunkKey(jobId, attempt, Long.MAX_VALUE);
  }

  /** The store's key serde (stateless, shared). */
  public static Serde<ResponseChunkKey> serde() {
    return SERDE;
  }

  byte[] encode() {
    byte[] id = jobId.getBytes(StandardCharsets.UTF_8);
    if (id.length > MAX_JOB_ID_BYTES) {
      throw new SerializationException("jobId longer than " + MAX_JOB_ID_BYTES + " UTF-8 bytes");
    }
    return ByteBuffer.allocate(2 + id.length + 4 + 8)
        .putShort((short) id.length)
        .put(id)
        .putInt(attempt)
        .putLong(seq)
        .array();
  }

  static ResponseChunkKey decode(byte[] data) {
    try {
      ByteBuffer in = ByteBuffer.wrap(data);
      int idLength = Short.toUnsignedInt(in.getShort());
      if (data.length != 2 + idLength + 4 + 8) {
        throw new SerializationException("not a response chunk key: " + data.length + " bytes");
      }
      String id = new String(data, 2, idLength, StandardCharsets.UTF_8);
      in.position(2 + idLength);
      return new ResponseChunkKey(id, in.getInt(), in.getLong());
    } catch (RuntimeException e) {
      throw e instanceof SerializationException s
          ? s
          : new SerializationException("not a response chunk key: " + e.getMessage(), e);
    }
  }

  private static final class KeySerde
      implements Serde<ResponseChunkKey>,
          Serializer<ResponseChunkKey>,
          Deserializer<ResponseChunkKey> {
    @Override
    public byte[] serialize(String topic, ResponseChunkKey key) {
      return key == null ? null : key.encode();
    }

    @Override
    public ResponseChunkKey deserialize(String topic, byte[] data) {
      return data == null ? null : decode(data);
    }

    @Override
    public Serializer<ResponseChunkKey> serializer() {
      return this;
    }

    @Override
    public Deserializer<ResponseChunkKey> deserializer() {
      return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
  }
}
