package io.regen.realtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  @Test
  void recordedValuesSurviveTheStoreEncodingWithinThePrecision() {
    ByteBuffer stored = ByteBuffer.allocate(0);
    for (long value = 1; value <= 5_000; value++) {
      stored = Histograms.record(stored, value);
    }
    Histogram h = Histograms.decode(stored);
    assertThat(h.getTotalCount()).isEqualTo(5_000);
    assertThat(h.getMaxValue()).isBetween(4_995L, 5_005L);
    assertThat(Histograms.percentile(h, 50)).isBetween(2_497L, 2_503L);
  }

  @Test
  void aDecodedHistogramGrowsForValuesAboveEverythingItHeld() {
    ByteBuffer stored = Histograms.record(ByteBuffer.allocate(0), 20);
    // An hour in ms: far above the 20 ms the stored histogram was sized for.
    stored = Histograms.record(stored, 3_600_000);
    Histogram h = Histograms.decode(stored);
    assertThat(h.getTotalCount()).isEqualTo(2);
    assertThat(h.getMaxValue()).isBetween(3_596_400L, 3_603_600L);
    assertThat(h.getMinValue()).isEqualTo(20);
  }

  @Test
  void aDecodedHistogramIsSizedByItsValuesNotByTheLargestLong() {
    ByteBuffer stored = ByteBuffer.allocate(0);
    for (long value : List.of(5L, 500L, 60_000L)) {
      stored = Histograms.record(stored, value);
    }
    // Sized for Long.MAX_VALUE a histogram of 3 significant digits takes ~440 KB; for values up to
    // a minute it needs ~60 KB.
    assertThat(Histograms.decode(stored).getEstimatedFootprintInBytes()).isLessThan(100_000);
  }

  @Test
  void histogramsEncodedWithTheFloorOfEarlierVersionsStillDecode() throws DataFormatException {
    ByteBuffer stored = Histograms.record(Histograms.record(ByteBuffer.allocate(0), 7), 7_000);
    Histogram sizedForEverything =
        Histogram.decodeFromCompressedByteBuffer(stored.duplicate(), Long.MAX_VALUE);
    ByteBuffer old = ByteBuffer.allocate(sizedForEverything.getNeededByteBufferCapacity());
    sizedForEverything.encodeIntoCompressedByteBuffer(old);
    old.flip();

    Histogram decoded = Histograms.decode(Histograms.record(old, 70));
    assertThat(decoded.getTotalCount()).isEqualTo(3);
    assertThat(decoded.getMaxValue()).isBetween(6_993L, 7_007L);
    assertThat(Histograms.percentile(decoded, 50)).isEqualTo(70);
  }

  @Test
  void encodingLeavesTheResultExactlyTheEncodedBytes() {
    Histogram big = Histograms.empty();
    for (long value = 1; value <= 200_000; value += 7) {
      big.recordValue(value);
    }
    ByteBuffer first = Histograms.encode(big);
    Histogram small = Histograms.empty();
    small.recordValue(3);
    ByteBuffer second = Histograms.encode(small);
    // The scratch buffer is reused: the first result must not change when the second is encoded.
    assertThat(Histograms.decode(first).getTotalCount()).isEqualTo(big.getTotalCount());
    assertThat(second.position()).isZero();
    assertThat(second.remaining()).isEqualTo(second.capacity());
    assertThat(Histograms.decode(second).getTotalCount()).isEqualTo(1);
    assertThat(Histograms.merge(List.of(first, second)).getTotalCount())
        .isEqualTo(big.getTotalCount() + 1);
  }

  @Test
  void anEmptyHistogramIsAnEmptyBuffer() {
    assertThat(Histograms.encode(Histograms.empty()).remaining()).isZero();
    assertThat(Histograms.decode(null).getTotalCount()).isZero();
    assertThat(Histograms.decode(ByteBuffer.allocate(0)).getTotalCount()).isZero();
  }
}
