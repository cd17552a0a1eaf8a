package io.regen.realtime.streams;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Duration histograms as stored in the analytics stores: HdrHistogram of milliseconds with {@value
 * #SIGNIFICANT_DIGITS} significant digits (a recorded value is reproduced within 0.1 %),
 * auto-resizing, in HdrHistogram's compressed encoding. Histograms of the same kind merge exactly
 * ({@link #merge}), so any range of buckets or partials can be combined before percentiles are
 * taken.
 */
public final class Histograms {
  private Histograms() {}

  public static final int SIGNIFICANT_DIGITS = 3;

  private static final ThreadLocal<ByteBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(32 * 1024));

  /** A new, empty histogram of the stored kind. */
  public static Histogram empty() {
    Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
    histogram.setAutoResize(true);
    return histogram;
  }

  /** Decodes a stored histogram; an empty or null buffer is an empty histogram. */
  public static Histogram decode(ByteBuffer encoded) {
    if (encoded == null || !encoded.hasRemaining()) {
      return empty();
    }
    try {
      // No floor on the highest trackable value: the decoded counts array is as large as the
      // encoded histogram's (a few KB for durations in ms), where a floor of Long.MAX_VALUE made
      // every decode allocate ~440 KB (the Streams thread's largest allocation under load).
      Histogram histogram = Histogram.decodeFromCompressedByteBuffer(encoded.duplicate(), 0);
      histogram.setAutoResize(true);
      return histogram;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("Not an encoded histogram", e);
    }
  }

  /** Encodes a histogram for a store value; an empty histogram encodes as an empty buffer. */
  public static ByteBuffer encode(Histogram histogram) {
    if (histogram.getTotalCount() == 0) {
      return ByteBuffer.allocate(0);
    }
    // The encoder needs room for the uncompressed counts; the result is a small fraction of that,
    // so the room is a per-thread scratch buffer and only the result is copied out.
    int needed = histogram.getNeededByteBufferCapacity();
    ByteBuffer scratch = SCRATCH.get();
    if (scratch.capacity() < needed) {
      scratch = ByteBuffer.allocate(Math.max(needed, 2 * scratch.capacity()));
      SCRATCH.set(scratch);
    }
    scratch.clear();
    histogram.encodeIntoCompressedByteBuffer(scratch);
    scratch.flip();
    ByteBuffer result = ByteBuffer.allocate(scratch.remaining());
    result.put(scratch).flip();
    return result;
  }

  /** Adds one value (ms, negative values recorded as 0) to an encoded histogram. */
  public static ByteBuffer record(ByteBuffer encoded, long valueMs) {
    Histogram histogram = decode(encoded);
    histogram.recordValue(Math.max(0, valueMs));
    return encode(histogram);
  }

  /** Merges encoded histograms into a new histogram. */
  public static Histogram merge(Iterable<ByteBuffer> encoded) {
    Histogram merged = empty();
    for (ByteBuffer buffer : encoded) {
      merged.add(decode(buffer));
    }
    return merged;
  }

  /** The value at a percentile (0..100), or null for an empty histogram. */
  public static Long percentile(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? null : histogram.getValueAtPercentile(percentile);
  }
}
