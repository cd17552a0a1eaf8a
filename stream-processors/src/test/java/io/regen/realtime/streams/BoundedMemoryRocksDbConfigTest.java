package io.regen.realtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The options every store gets: shared cache and budget, small memtables with small arenas. */
class BoundedMemoryRocksDbConfigTest {
  static {
    RocksDB.loadLibrary();
  }

  @Test
  void everyActiveMemtableOfAJvmFullOfStorePartitionsFitsTheWriteBudget() {
    try (Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig());
      new BoundedMemoryRocksDbConfig()
          .setConfig(
              "job-response-chunks",
              options,
              Map.of(
                  BoundedMemoryRocksDbConfig.WRITE_BUFFER_BYTES, 16L << 20,
                  BoundedMemoryRocksDbConfig.BLOCK_CACHE_BYTES, 64L << 20));
      assertThat(options.writeBufferSize()).isEqualTo(4L << 20);
      assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
      assertThat(options.arenaBlockSize()).isEqualTo(64L << 10);
      // 12 tasks x 12 stores written every commit, one arena block each, inside 16 MiB: a write
      // does not have to flush another store's nearly empty memtable to make room.
      assertThat(12 * 12 * options.arenaBlockSize()).isLessThan(16L << 20);
    }
  }
}
