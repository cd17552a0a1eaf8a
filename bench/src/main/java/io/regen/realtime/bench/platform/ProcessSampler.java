package io.regen.realtime.bench.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Samples one process from {@code /proc}: its CPU time, the CPU time of each of its threads summed
 * by {@link CpuGroup}, RSS, thread and file-descriptor counts. Differences of two samples give the
 * cores busy per group over the interval.
 */
final class ProcessSampler {
  /** Linux reports per-process times in USER_HZ ticks, 100 per second on every current kernel. */
  static final long TICKS_PER_SECOND = 100;

  private final long pid;
  private final Path proc;

  ProcessSampler(long pid) {
    this(pid, Path.of("/proc"));
  }

  ProcessSampler(long pid, Path proc) {
    this.pid = pid;
    this.proc = proc;
  }

  long pid() {
    return pid;
  }

  /** One thread's name ({@code comm}), group and CPU time so far. */
  record ThreadTicks(String name, CpuGroup group, long ticks) {}

  /**
   * @param threadTicks each live thread's ticks by thread id
   */
  record Sample(
      long nanoTime,
      long totalTicks,
      Map<Long, ThreadTicks> threadTicks,
      long rssBytes,
      int threads,
      int fds) {

    /** The live threads' ticks summed by group. */
    Map<CpuGroup, Long> ticksByGroup() {
      Map<CpuGroup, Long> out = new EnumMap<>(CpuGroup.class);
      threadTicks.values().forEach(t -> out.merge(t.group(), t.ticks(), Long::sum));
      return out;
    }

    /**
     * Cores busy per group between {@code earlier} and this sample, thread by thread: a thread that
     * started in between counts all its ticks, and the ticks of threads that ended in between
     * (which only the process's own total still holds) are {@link CpuGroup#ENDED}.
     */
    Map<CpuGroup, Double> coresSince(Sample earlier) {
      double seconds = (nanoTime - earlier.nanoTime) / 1e9;
      Map<CpuGroup, Long> ticks = new EnumMap<>(CpuGroup.class);
      long live = 0;
      for (Map.Entry<Long, ThreadTicks> e : threadTicks.entrySet()) {
        ThreadTicks before = earlier.threadTicks.get(e.getKey());
        ThreadTicks now = e.getValue();
        // A reused thread id under another name is another thread.
        long since =
            before != null && before.group() == now.group()
                ? Math.max(0, now.ticks() - before.ticks())
                : now.ticks();
        ticks.merge(now.group(), since, Long::sum);
        live += since;
      }
      ticks.put(CpuGroup.ENDED, Math.max(0, totalTicks - earlier.totalTicks - live));
      Map<CpuGroup, Double> out = new EnumMap<>(CpuGroup.class);
      for (CpuGroup g : CpuGroup.values()) {
        out.put(g, ticks.getOrDefault(g, 0L) / (double) TICKS_PER_SECOND / seconds);
      }
      return out;
    }

    /**
     * The {@code n} busiest thread names between {@code earlier} and this sample, in cores, busiest
     * first; threads of one name (e.g. a pool's numbered threads cut to 15 characters) are summed.
     * Tells which thread of a group is the bottleneck (e.g. the replay reader or the writer).
     */
    Map<String, Double> busiestThreadsSince(Sample earlier, int n) {
      double seconds = (nanoTime - earlier.nanoTime) / 1e9;
      Map<String, Long> ticks = new HashMap<>();
      for (Map.Entry<Long, ThreadTicks> e : threadTicks.entrySet()) {
        ThreadTicks before = earlier.threadTicks.get(e.getKey());
        ThreadTicks now = e.getValue();
        long since =
            before != null && before.name().equals(now.name())
                ? Math.max(0, now.ticks() - before.ticks())
                : now.ticks();
        if (since > 0) {
          ticks.merge(now.name(), since, Long::sum);
        }
      }
      Map<String, Double> out = new LinkedHashMap<>();
      ticks.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(n)
          .forEach(e -> out.put(e.getKey(), e.getValue() / (double) TICKS_PER_SECOND / seconds));
      return out;
    }

    double totalCoresSince(Sample earlier) {
      double seconds = (nanoTime - earlier.nanoTime) / 1e9;
      return (totalTicks - earlier.totalTicks) / (double) TICKS_PER_SECOND / seconds;
    }
  }

  Sample sample() throws IOException {
    Path self = proc.resolve(Long.toString(pid));
    long now = System.nanoTime();
    long total = cpuTicks(Files.readString(self.resolve("stat")));
    Map<Long, ThreadTicks> byThread = new HashMap<>();
    try (Stream<Path> tasks = Files.list(self.resolve("task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          continue; // the thread ended while we listed
        }
        byThread.put(
            Long.parseLong(task.getFileName().toString()),
            new ThreadTicks(comm(stat), CpuGroup.of(comm(stat)), cpuTicks(stat)));
      }
    }
    String status = Files.readString(self.resolve("status"));
    int fds;
    try (Stream<Path> s = Files.list(self.resolve("fd"))) {
      fds = (int) s.count();
    }
    return new Sample(
        now,
        total,
        byThread,
        statusValue(status, "VmRSS:") * 1024,
        (int) statusValue(status, "Threads:"),
        fds);
  }

  /** The name in a stat line: between the first '(' and the LAST ')' (a name may hold either). */
  static String comm(String statLine) {
    int open = statLine.indexOf('(');
    int close = statLine.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc stat line: " + statLine);
    }
    return statLine.substring(open + 1, close);
  }

  /** utime + stime (fields 14 and 15 of proc(5)), in ticks. */
  static long cpuTicks(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc stat line: " + statLine);
    }
    String[] f = statLine.substring(close + 2).trim().split(" ");
    if (f.length < 13) {
      throw new IllegalArgumentException("short /proc stat line: " + statLine);
    }
    // f[0] is field 3 (state): utime is field 14 -> f[11], stime field 15 -> f[12].
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long statusValue(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key)) {
        String[] parts = line.substring(key.length()).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    throw new IllegalArgumentException("no " + key + " in /proc status");
  }
}
