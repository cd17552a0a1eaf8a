package io.regen.realtime.gateway.replay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds one NDJSON history's replay permit and gives it back on every path: when the body ends
 * (normally or not), when a single write waits longer than the write timeout for a client that does
 * not read (the writing thread is interrupted and the response cut), and when the body never starts
 * within the write timeout. Thread-safe.
 */
final class HistoryWriteGuard {
  private static final int NEW = 0;
  private static final int STREAMING = 1;
  private static final int ENDED = 2;

  private final ReplayAdmission.Permit permit;
  private final ScheduledExecutorService timer;
  private final long timeoutNanos;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final ScheduledFuture<?> neverStarted;
  private volatile long writingSince;
  private volatile Thread writer;
  private volatile boolean cut;
  private ScheduledFuture<?> watch;

  HistoryWriteGuard(
      ReplayAdmission.Permit permit, Duration writeTimeout, ScheduledExecutorService timer) {
    this.permit = permit;
    this.timer = timer;
    this.timeoutNanos = writeTimeout.toNanos();
    // A body that never runs (client gone before the async dispatch) must not keep the slot.
    this.neverStarted =
        timer.schedule(this::abandonIfNotStarted, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts streaming; false when the guard already gave the permit back (the body started too late
   * and must write nothing).
   */
  boolean start() {
    if (!state.compareAndSet(NEW, STREAMING)) {
      return false;
    }
    neverStarted.cancel(false);
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), timeoutNanos / 4);
    watch = timer.scheduleAtFixedRate(this::cutIfStalled, period, period, TimeUnit.NANOSECONDS);
    return true;
  }

  /** {@code out} with every write bounded by the write timeout. */
  OutputStream bound(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        timed(() -> out.write(b, off, len));
      }

      @Override
      public void write(int b) throws IOException {
        timed(() -> out.write(b));
      }

      @Override
      public void flush() throws IOException {
        timed(out::flush);
      }
    };
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private void timed(IoAction action) throws IOException {
    if (cut) {
      throw new InterruptedIOException("history write timed out: the client does not read");
    }
    writer = Thread.currentThread();
    writingSince = System.nanoTime();
    try {
      action.run();
    } finally {
      writingSince = 0;
      writer = null;
    }
    if (cut) {
      throw new InterruptedIOException("history write timed out: the client does not read");
    }
  }

  /** Whether a stalled write was cut. */
  boolean wasCut() {
    return cut;
  }

  /** Ends the history: the permit goes back (harmless if it already has). */
  void end() {
    state.set(ENDED);
    neverStarted.cancel(false);
    if (watch != null) {
      watch.cancel(false);
    }
    permit.close();
  }

  private void abandonIfNotStarted() {
    if (state.compareAndSet(NEW, ENDED)) {
      permit.close();
    }
  }

  private void cutIfStalled() {
    long since = writingSince;
    if (since != 0 && System.nanoTime() - since > timeoutNanos) {
      cut = true;
      permit.close(); // the slot comes back now, whatever the blocked write does
      Thread t = writer;
      if (t != null) {
        t.interrupt(); // unblocks the container's blocking write, which aborts the response
      }
    }
  }
}
