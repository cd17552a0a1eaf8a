package io.regen.realtime.schemas.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The retention horizon of a partition: records before its log start offset are gone (deleted by
 * retention, {@code TOPIC_RETENTION}). A resume or replay that needs an older record is truncated
 * and must say so instead of looking complete.
 */
public final class LogHorizon {
  private LogHorizon() {}

  /** The first offset still in {@code partition}. */
  public static long logStartOffset(
      Consumer<?, ?> consumer, TopicPartition partition, Duration timeout) {
    Long start = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
    if (start == null) {
      throw new IllegalStateException("No log start offset for " + partition);
    }
    return start;
  }

  /**
   * Whether reading {@code partition} from {@code firstOffset} (e.g. a job's first position, or the
   * offset after a client's cursor) misses records that retention has deleted.
   */
  public static boolean isTruncated(
      Consumer<?, ?> consumer, TopicPartition partition, long firstOffset, Duration timeout) {
    return logStartOffset(consumer, partition, timeout) > firstOffset;
  }
}
