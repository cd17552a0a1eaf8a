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
      Histogram decoded =
          Histogram.decodeFromCompressedByteBuffer(encoded.duplicate(), Long.MAX_VALUE);
      Histogram histogram = empty();
      histogram.add(decoded);
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
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    histogram.encodeIntoCompressedByteBuffer(buffer);
    buffer.flip();
    return buffer;
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
