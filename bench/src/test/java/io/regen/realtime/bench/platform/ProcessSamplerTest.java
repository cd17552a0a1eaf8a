package io.regen.realtime.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSamplerTest {
  // proc(5): pid (comm) state ppid ... utime(14) stime(15) ...
  private static String stat(String comm, long utime, long stime) {
    return "4242 ("
        + comm
        + ") S 1 4242 4242 0 -1 4194560 100 0 0 0 "
        + utime
        + " "
        + stime
        + " 0 0 20 0 1 0 12345 1000 100 18446744073709551615\n";
  }

  @Test
  void readsUserPlusSystemTicksAndTheNameEvenWithSpacesAndParentheses() {
    String line = stat("G1 Conc#0 (x)", 120, 30);
    assertThat(ProcessSampler.comm(line)).isEqualTo("G1 Conc#0 (x)");
    assertThat(ProcessSampler.cpuTicks(line)).isEqualTo(150);
  }

  @Test
  void rejectsWhatIsNotAStatLine() {
    assertThatThrownBy(() -> ProcessSampler.cpuTicks("garbage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a /proc stat line");
    assertThatThrownBy(() -> ProcessSampler.cpuTicks("1 (x) S 1 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("short");
    assertThatThrownBy(() -> ProcessSampler.statusValue("Name: java\n", "VmRSS:"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void classifiesThePlatformsThreadNames() {
    assertThat(CpuGroup.of("data-plane-kafk")).isEqualTo(CpuGroup.BROKER);
    assertThat(CpuGroup.of("kafka-1-raft-io")).isEqualTo(CpuGroup.BROKER);
    assertThat(CpuGroup.of("regen-streams-a")).isEqualTo(CpuGroup.STREAMS);
    assertThat(CpuGroup.of("rocksdb:low0")).isEqualTo(CpuGroup.ROCKSDB);
    assertThat(CpuGroup.of("event-dispatche")).isEqualTo(CpuGroup.GATEWAY);
    assertThat(CpuGroup.of("gateway-writer-")).isEqualTo(CpuGroup.GATEWAY);
    assertThat(CpuGroup.of("qtp905905964-12")).isEqualTo(CpuGroup.GATEWAY);
    assertThat(CpuGroup.of("kafka-producer-")).isEqualTo(CpuGroup.KAFKA_CLIENTS);
    assertThat(CpuGroup.of("GC Thread#1")).isEqualTo(CpuGroup.GC);
    assertThat(CpuGroup.of("ZWorkerYoung#0")).isEqualTo(CpuGroup.GC);
    assertThat(CpuGroup.of("C2 CompilerThre")).isEqualTo(CpuGroup.JIT);
    assertThat(CpuGroup.of("regen-job-model")).isEqualTo(CpuGroup.OTHER);
  }

  @Test
  void sumsThreadsByGroupAndTurnsTicksIntoCores(@TempDir Path proc) throws Exception {
    Path self = proc.resolve("4242");
    Files.createDirectories(self.resolve("fd"));
    Files.createFile(self.resolve("fd").resolve("0"));
    Files.writeString(self.resolve("status"), "Name:\tjava\nVmRSS:\t  2048 kB\nThreads:\t3\n");
    Files.writeString(self.resolve("stat"), stat("java", 300, 100));
    task(self, 1, stat("data-plane-kafk", 100, 0));
    task(self, 2, stat("data-plane-kafk", 50, 50));
    task(self, 3, stat("rocksdb:low0", 10, 0));
    ProcessSampler sampler = new ProcessSampler(4242, proc);

    ProcessSampler.Sample first = sampler.sample();
    assertThat(first.ticksByGroup()).containsEntry(CpuGroup.BROKER, 200L);
    assertThat(first.ticksByGroup()).containsEntry(CpuGroup.ROCKSDB, 10L);
    assertThat(first.rssBytes()).isEqualTo(2048 * 1024);
    assertThat(first.threads()).isEqualTo(3);
    assertThat(first.fds()).isEqualTo(1);

    // 2 s later: thread 1 +150 ticks, thread 2 +50, thread 3 ended, thread 4 started (20 ticks);
    // the process's total +300, so the ended thread ran 80 ticks before it ended.
    ProcessSampler.Sample later =
        new ProcessSampler.Sample(
            first.nanoTime() + 2_000_000_000L,
            first.totalTicks() + 300,
            Map.of(
                1L, new ProcessSampler.ThreadTicks("data-plane-kafk", CpuGroup.BROKER, 250),
                2L, new ProcessSampler.ThreadTicks("data-plane-kafk", CpuGroup.BROKER, 150),
                4L, new ProcessSampler.ThreadTicks("replay-reader-1", CpuGroup.GATEWAY, 20)),
            0,
            0,
            0);
    assertThat(later.totalCoresSince(first)).isEqualTo(1.5);
    Map<CpuGroup, Double> cores = later.coresSince(first);
    assertThat(cores.get(CpuGroup.BROKER)).isEqualTo(1.0);
    assertThat(cores.get(CpuGroup.GATEWAY)).isEqualTo(0.1); // a new thread counts all its ticks
    assertThat(cores.get(CpuGroup.ROCKSDB)).isZero(); // an ended thread never counts negative
    assertThat(cores.get(CpuGroup.ENDED)).isEqualTo(0.4);
    assertThat(cores.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.5, within(1e-9));
    // Threads of one name summed, busiest first; the ended thread is not among them.
    assertThat(later.busiestThreadsSince(first, 5))
        .containsExactly(entry("data-plane-kafk", 1.0), entry("replay-reader-1", 0.1));
    assertThat(later.busiestThreadsSince(first, 1)).containsOnlyKeys("data-plane-kafk");
  }

  private static void task(Path self, int tid, String stat) throws Exception {
    Path t = self.resolve("task").resolve(Integer.toString(tid));
    Files.createDirectories(t);
    Files.writeString(t.resolve("stat"), stat);
  }
}
