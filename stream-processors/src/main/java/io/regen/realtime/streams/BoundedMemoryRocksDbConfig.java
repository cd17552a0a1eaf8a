package io.regen.realtime.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in this JVM: one LRU block cache, which also
 * holds index/filter blocks and is charged for the memtables through one {@link
 * WriteBufferManager}. Without it each store (and each segment/partition of it) gets its own cache
 * and memtables, and memory grows with the number of tasks.
 *
 * <p>Sizes come from the Streams configs {@link #BLOCK_CACHE_BYTES} and {@link #WRITE_BUFFER_BYTES}
 * (set by {@link StreamsConfigFactory}). The cache and manager are created by the first store
 * opened in the JVM and shared by all later ones, also of other KafkaStreams instances in the same
 * JVM (whose sizes are then ignored); they live as long as the JVM.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {
  public static final String BLOCK_CACHE_BYTES = "regen.rocksdb.block-cache-bytes";
  public static final String WRITE_BUFFER_BYTES = "regen.rocksdb.write-buffer-bytes";

  static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
  static final long DEFAULT_WRITE_BUFFER_BYTES = 16L << 20;

  /** Memtable arena block: small, so that every written store partition fits the budget. */
  static final long ARENA_BLOCK_BYTES = 64L << 10;

  /** Share of the cache reserved for index and filter blocks (high priority pool). */
  private static final double INDEX_FILTER_BLOCK_RATIO = 0.1;

  private static Cache cache;
  private static WriteBufferManager writeBufferManager;
  private static long cacheBytes;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long blockCache = bytes(configs.get(BLOCK_CACHE_BYTES), DEFAULT_BLOCK_CACHE_BYTES);
    long writeBuffers = bytes(configs.get(WRITE_BUFFER_BYTES), DEFAULT_WRITE_BUFFER_BYTES);
    synchronized (BoundedMemoryRocksDbConfig.class) {
      if (cache == null) {
        cache = new LRUCache(blockCache, -1, false, INDEX_FILTER_BLOCK_RATIO);
        writeBufferManager = new WriteBufferManager(writeBuffers, cache);
        cacheBytes = blockCache;
      }
      BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
      table.setBlockCache(cache);
      table.setCacheIndexAndFilterBlocks(true);
      table.setCacheIndexAndFilterBlocksWithHighPriority(true);
      table.setPinTopLevelIndexAndFilter(true);
      options.setTableFormatConfig(table);
      options.setWriteBufferManager(writeBufferManager);
      // Smaller memtables than the 16 MiB default: many small stores share one budget.
      options.setWriteBufferSize(Math.max(1L << 20, Math.min(writeBuffers / 4, 8L << 20)));
      options.setMaxWriteBufferNumber(2);
      // A memtable charges the budget per arena block (default: an eighth of the write buffer,
      // 512 KiB here). ~140 store partitions in one JVM (12 tasks x 12 stores) written every
      // commit reserved more than the whole budget, so each write flushed a nearly empty memtable:
      // 0.18 cores of flush and compaction under S1 once job-response-chunks was added. Small
      // blocks let every active memtable fit (docs/performance.md, part 4).
      options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    }
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by all stores: never closed here.
  }

  /** Capacity of the shared cache, 0 before the first store opened. */
  public static synchronized long sharedCacheBytes() {
    return cacheBytes;
  }

  private static long bytes(Object value, long fallback) {
    if (value == null) {
      return fallback;
    }
    return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
  }
}
