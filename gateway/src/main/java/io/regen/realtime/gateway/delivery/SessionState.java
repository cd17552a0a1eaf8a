package io.regen.realtime.gateway.delivery;

import java.util.List;

/** One subscribed session as delivery tracks it. */
final class SessionState {
  final ClientSession session;
  final String userId;
  final int partition;

  /** The partition's end when the session subscribed: live delivery starts there. */
  final long liveEnd;

  volatile DeliveryMode mode = DeliveryMode.PENDING;

  /**
   * Every event of the user at or below this offset has been offered. Written by whichever thread
   * owns the session's mode (dispatcher when live, a reader when catching up).
   */
  volatile long deliveredThrough;

  /** When the session first fell behind live; 0 while it keeps up. */
  volatile long slowSinceNanos;

  /** Written by the dispatcher during a hand-over request; read by the reader after the reply. */
  volatile long switchPoint;

  boolean inCatchUpGroup; // the catch-up reader serving the session's partition only
  List<HeldFrame> handoverBuffer; // dispatcher thread only
  boolean attached; // dispatcher thread only

  SessionState(ClientSession session, String userId, int partition, long mark, long liveEnd) {
    this.session = session;
    this.userId = userId;
    this.partition = partition;
    this.deliveredThrough = mark;
    this.liveEnd = liveEnd;
  }

  /** Notes that the session is behind live, if it was not already. */
  void markSlow() {
    if (slowSinceNanos == 0) {
      slowSinceNanos = System.nanoTime();
    }
  }

  /** A frame the dispatcher holds for a session during its hand-over. */
  record HeldFrame(long offset, String frame) {}
}
