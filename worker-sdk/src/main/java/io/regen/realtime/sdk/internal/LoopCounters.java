package io.regen.realtime.sdk.internal;

import io.regen.realtime.sdk.RequestLoopStats;
import java.util.concurrent.atomic.AtomicLong;

/** The counters of one request loop, written by its polling and job threads. */
final class LoopCounters {
  final AtomicLong started = new AtomicLong();
  final AtomicLong finished = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  final AtomicLong stale = new AtomicLong();
  final AtomicLong cancels = new AtomicLong();
  final AtomicLong retried = new AtomicLong();

  RequestLoopStats snapshot(int running) {
    return new RequestLoopStats(
        started.get(),
        finished.get(),
        duplicates.get(),
        malformed.get(),
        stale.get(),
        cancels.get(),
        retried.get(),
        running);
  }
}
