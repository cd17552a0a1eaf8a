package io.regen.realtime.gateway.ws;

import java.util.ArrayDeque;

/**
 * Orders what happens around a connection's asynchronous subscribe (its first {@code auth}): frames
 * the client sends before the outcome wait here and are routed, in arrival order, right after the
 * welcome; the session's start (welcome sent, listeners told) and its end (the socket closed)
 * exclude each other, so a listener never hears "started" after "ended" and a subscribe that
 * completes after the close is undone instead of started. Thread-safe; the callbacks run under the
 * gate's lock, so they must not block (listeners return quickly by contract).
 */
final class WelcomeGate {
  /** What {@link #hold} did with a frame. */
  enum Held {
    /** No subscribe is pending: route the frame now. */
    NOT_PENDING,
    /** Kept until the subscribe's outcome. */
    HELD,
    /** The subscribe is pending and already holds its maximum: the frame was not kept. */
    FULL
  }

  private final ArrayDeque<String> held = new ArrayDeque<>();
  private boolean pending;
  private boolean ended;

  /** The first auth started a subscribe: from now on frames wait for its outcome. */
  synchronized void subscribing() {
    if (!ended) {
      pending = true;
    }
  }

  /** Keeps a frame while the subscribe is pending; at most {@code max} frames are kept. */
  synchronized Held hold(String frame, int max) {
    if (!pending) {
      return Held.NOT_PENDING;
    }
    if (held.size() >= max) {
      return Held.FULL;
    }
    held.add(frame);
    return Held.HELD;
  }

  /**
   * Runs {@code start} (the welcome) unless the connection has ended; false when it had. Held
   * frames stay held until {@link #nextHeld} hands them out.
   */
  synchronized boolean start(Runnable start) {
    if (ended) {
      return false;
    }
    start.run();
    return true;
  }

  /**
   * The next frame held while the subscribe was pending, in arrival order; null when none is left,
   * and from then on frames are routed as they arrive.
   */
  synchronized String nextHeld() {
    String next = held.poll();
    if (next == null) {
      pending = false;
    }
    return next;
  }

  /** The subscribe failed (the connection is being closed): held frames are dropped. */
  synchronized void fail() {
    pending = false;
    held.clear();
  }

  /** The connection ended: runs {@code end} (unsubscribe, listeners) once, never before a start. */
  synchronized void end(Runnable end) {
    if (ended) {
      return;
    }
    ended = true;
    pending = false;
    held.clear();
    end.run();
  }

  synchronized boolean pending() {
    return pending;
  }
}
