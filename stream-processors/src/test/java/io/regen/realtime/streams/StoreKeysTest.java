package io.regen.realtime.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import io.regen.realtime.streams.state.LogPosition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoreKeysTest {
  @Test
  void bucketsAreUtcAndSortChronologically() {
    long t = Instant.parse("2026-11-24T23:59:59.999Z").toEpochMilli();
    assertThat(StoreKeys.day(t)).isEqualTo("2026-11-24");
    assertThat(StoreKeys.hour(t)).isEqualTo("2026-11-24T23");
    assertThat(StoreKeys.hour(t + 1)).isEqualTo("2026-11-25T00");
    assertThat(StoreKeys.bucketStart(t, StoreKeys.DAY_MS))
        .isEqualTo(Instant.parse("2026-11-24T00:00:00Z").toEpochMilli());
    String key = StoreKeys.bucketed("2026-11-24T23", "model|x%");
    assertThat(key).isEqualTo("2026-11-24T23|model%7Cx%25");
    assertThat(StoreKeys.dimensionOf(key)).isEqualTo("model|x%");
    assertThat(key)
        .isBetween(StoreKeys.rangeFrom("2026-11-24T23"), StoreKeys.rangeTo("2026-11-24T23"));
    assertThat(StoreKeys.rangeTo("2026-11-24")).isLessThan("2026-11-25");
    // Bytewise (as RocksDB compares): a supplementary character still sorts below the bound.
    byte[] emojiKey =
        StoreKeys.bucketed("2026-11-24", "\uD83D\uDE00").getBytes(StandardCharsets.UTF_8);
    byte[] bound = StoreKeys.rangeTo("2026-11-24").getBytes(StandardCharsets.UTF_8);
    assertThat(Arrays.compareUnsigned(emojiKey, bound)).isNegative();
    assertThat(StoreKeys.dauUserId(StoreKeys.dauUser("2026-11-24", "a|b"))).isEqualTo("a|b");
  }

  @Test
  void jobsByUserKeysRoundTripAndOrderNewestFirst() {
    JobsByUserKey older = new JobsByUserKey("u|1", 1_000, "j1");
    JobsByUserKey newer = new JobsByUserKey("u|1", 2_000, "j2");
    assertThat(JobsByUserKey.parse(older.encode())).isEqualTo(older);
    assertThat(Stream.of(older.encode(), newer.encode()).sorted().toList())
        .containsExactly(newer.encode(), older.encode());
    assertThat(newer.encode()).startsWith(JobsByUserKey.prefix("u|1"));
    assertThat(newer.encode())
        .isBetween(JobsByUserKey.lowerBound("u|1"), JobsByUserKey.upperBound("u|1"));
    assertThatThrownBy(() -> JobsByUserKey.parse("nonsense"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void avroBinarySerdeRoundTripsAndRejectsGarbage() {
    JobState state =
        JobState.newBuilder()
            .setJobId("j")
            .setUserId("u")
            .setStatus(JobStatus.RUNNING)
            .setEventCounts(Map.of("job:started:v1", 1L))
            .setStartedAt(Instant.ofEpochMilli(123))
            .setFirstPosition(new LogPosition(1, 2L))
            .setResearchSteps(List.of())
            .build();
    byte[] bytes = Stores.JOB_STATE.valueSerde().serializer().serialize("t", state);
    assertThat(Stores.JOB_STATE.valueSerde().deserializer().deserialize("t", bytes))
        .isEqualTo(state);
    assertThatThrownBy(
            () ->
                Stores.JOB_STATE
                    .valueSerde()
                    .deserializer()
                    .deserialize("t", new byte[] {-1, -1, -1}))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void histogramsMergeExactly() {
    var a = Histograms.record(Histograms.record(Histograms.encode(Histograms.empty()), 10), 20);
    var b = Histograms.record(Histograms.encode(Histograms.empty()), 30);
    var merged = Histograms.merge(List.of(a, b, java.nio.ByteBuffer.allocate(0)));
    assertThat(merged.getTotalCount()).isEqualTo(3);
    assertThat(Histograms.percentile(merged, 50)).isEqualTo(20);
    assertThat(Histograms.percentile(Histograms.empty(), 50)).isNull();
    assertThat(AnalyticsReader.successRate(0, 0)).isNull();
    assertThat(AnalyticsReader.successRate(3, 1)).isEqualTo(0.75);
  }

  @Test
  void jobsByUserKeysPadTheInvertedTimestampToNineteenDigits() {
    for (long timestamp :
        new long[] {0, 1, 1_796_163_000_000L, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
      String inverted = String.format("%019d", Long.MAX_VALUE - timestamp);
      assertThat(new JobsByUserKey("u", timestamp, "j").encode()).contains("|" + inverted + "|");
    }
    assertThat(new JobsByUserKey("u", -5, "j").encode())
        .isEqualTo(new JobsByUserKey("u", 0, "j").encode());
  }
}
