package io.regen.realtime.gateway.delivery;

/**
 * Who offers frames to a subscribed session. Only one thread offers to a session at any time: the
 * dispatcher when {@link #LIVE}, one catch-up reader when {@link #CATCHING_UP}, both in turn
 * (reader up to a fixed switch point, dispatcher holding what comes after) when {@link #BUFFERING}.
 */
enum DeliveryMode {
  /** Subscribed, not started yet. */
  PENDING,
  /** Read from the topic by a catch-up reader; the dispatcher skips it. */
  CATCHING_UP,
  /** Hand-over in progress: the dispatcher holds the frames after the switch point. */
  BUFFERING,
  /** The dispatcher offers it every record above its {@code deliveredThrough}. */
  LIVE,
  /** Unsubscribed or its socket closed. */
  CLOSED;

  /** Whether a catch-up reader owns the session. */
  boolean catchingUp() {
    return this == CATCHING_UP || this == BUFFERING;
  }
}
