package io.regen.realtime.bench.platform;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The load generator's own GC pauses, by time. The generator takes both timestamps of a latency
 * (send and receipt) on one clock, so an event that arrives while the generator is paused is
 * measured late by up to the pause: a generator pausing 1% of the time shapes the p99 it reports.
 * Each window's report says how much of it the generator spent paused, so that its tail can be told
 * apart from the platform's.
 *
 * <p>Counted: the pause collectors' notifications (G1's young, mixed and full collections and its
 * remark/cleanup, ZGC's pauses); ZGC's "Cycles" beans are concurrent work, not pauses, and are left
 * out.
 */
final class GeneratorGcPauses {
  /** Longer than any window (S7's is 30 minutes); older pauses are dropped as new ones come. */
  static final long KEPT_NANOS = 2L * 3_600 * 1_000_000_000L;

  private static final Deque<long[]> PAUSES = new ArrayDeque<>(); // {endNanos, durationNanos}
  private static final long UPTIME_TO_NANO =
      System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
  private static volatile String collectors = "";

  private GeneratorGcPauses() {}

  /** Starts recording; call once, before the first window. */
  static void install() {
    StringBuilder names = new StringBuilder();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc.getName().contains("Cycles")) {
        continue;
      }
      names.append(names.isEmpty() ? "" : ", ").append(gc.getName());
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  return;
                }
                var info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                        .getGcInfo();
                long end = UPTIME_TO_NANO + info.getEndTime() * 1_000_000L;
                synchronized (PAUSES) {
                  record(PAUSES, end, info.getDuration() * 1_000_000L);
                }
              },
              null,
              null);
    }
    collectors = names.toString();
  }

  /** Adds a pause that ended at {@code endNanos} and drops those older than {@link #KEPT_NANOS}. */
  static void record(Deque<long[]> pauses, long endNanos, long durationNanos) {
    pauses.addLast(new long[] {endNanos, durationNanos});
    while (pauses.peekFirst()[0] < endNanos - KEPT_NANOS) {
      pauses.removeFirst();
    }
  }

  /** Pauses that ended in [fromNanos, toNanos] (System.nanoTime), as report fields. */
  static Map<String, Object> between(long fromNanos, long toNanos) {
    long count = 0;
    long total = 0;
    long max = 0;
    synchronized (PAUSES) {
      for (long[] p : PAUSES) {
        if (p[0] >= fromNanos && p[0] <= toNanos) {
          count++;
          total += p[1];
          max = Math.max(max, p[1]);
        }
      }
    }
    double seconds = (toNanos - fromNanos) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("generatorGc", collectors);
    r.put("generatorGcPauses", count);
    r.put("generatorGcPausedPercent", round(100.0 * total / 1e9 / seconds));
    r.put("generatorGcMaxPauseMs", max / 1_000_000);
    return r;
  }

  private static double round(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
  }
}
