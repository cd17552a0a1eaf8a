package io.regen.realtime.query.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Counts state restoration from changelogs, per store: records to restore (end − start offset of
 * each restoring changelog partition), records restored, restorations completed. Standby updates
 * are not restorations and are not counted here. Thread-safe (called from Streams' restore threads,
 * read by metrics and tests).
 */
public final class RestoreTracker implements StateRestoreListener {
  private final Map<String, StoreProgress> stores = new ConcurrentHashMap<>();
  private final AtomicLong totalRestored = new AtomicLong();
  private final AtomicLong firstStartNanos = new AtomicLong();
  private final AtomicLong lastEndNanos = new AtomicLong();

  /** Restore counters of one store (sums over its partitions since start). */
  public static final class StoreProgress {
    final AtomicLong toRestore = new AtomicLong();
    final AtomicLong restored = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong active = new AtomicLong();

    public long toRestore() {
      return toRestore.get();
    }

    public long restored() {
      return restored.get();
    }

    public long completedRestorations() {
      return completed.get();
    }

    public long activeRestorations() {
      return active.get();
    }
  }

  @Override
  public void onRestoreStart(
      TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
    StoreProgress p = progress(storeName);
    firstStartNanos.compareAndSet(0, System.nanoTime());
    p.toRestore.addAndGet(Math.max(0, endingOffset - startingOffset));
    p.active.incrementAndGet();
  }

  @Override
  public void onBatchRestored(
      TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
    progress(storeName).restored.addAndGet(numRestored);
    totalRestored.addAndGet(numRestored);
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
    StoreProgress p = progress(storeName);
    p.completed.incrementAndGet();
    p.active.decrementAndGet();
    lastEndNanos.set(System.nanoTime());
  }

  @Override
  public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
    progress(storeName).active.decrementAndGet();
  }

  /** Records restored into any store since this instance started. */
  public long totalRestored() {
    return totalRestored.get();
  }

  /** From the first restoration's start to the latest restoration's end; zero before any. */
  public java.time.Duration restoreSpan() {
    long start = firstStartNanos.get();
    long end = lastEndNanos.get();
    return start == 0 || end < start
        ? java.time.Duration.ZERO
        : java.time.Duration.ofNanos(end - start);
  }

  /** Counters per store name, a snapshot view. */
  public Map<String, StoreProgress> stores() {
    return new TreeMap<>(stores);
  }

  StoreProgress progress(String store) {
    return stores.computeIfAbsent(store, s -> new StoreProgress());
  }
}
