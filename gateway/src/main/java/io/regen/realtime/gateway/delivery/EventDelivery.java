package io.regen.realtime.gateway.delivery;

/**
 * Delivers each user's job events to that user's connected sessions: one Kafka consumer per node,
 * manually assigned to the partitions holding connected users, with in-memory fan-out.
 *
 * <p>Contract: after {@link Subscription#start()}, a session receives every event of its user with
 * an offset after its starting point, in offset order, exactly once per connection, as {@code
 * event} frames carrying a cursor — first the catch-up from the cursor (read from the topic), then
 * live, with no gap and no duplicate at the hand-over. A session whose buffer fills is caught up
 * from the topic; one that stays behind past the configured limit is closed with {@link
 * io.regen.realtime.gateway.protocol.CloseCode#TOO_SLOW}. Methods are thread-safe.
 */
public interface EventDelivery {

  /**
   * Prepares delivery to {@code session}. Nothing is sent before {@link Subscription#start()}, so
   * the caller can send its welcome frame first.
   *
   * @param cursor the last cursor the client saw, or null to start live from now
   */
  Subscription subscribe(ClientSession session, String cursor);

  /** Stops delivery to a session (on close). Idempotent. */
  void unsubscribe(ClientSession session);

  /** The outcome of subscribing. */
  interface Subscription {
    /**
     * True when the cursor was honoured; false when it was absent, unknown, another user's, or
     * older than the topic's retention (the client must refetch state over REST).
     */
    boolean resumed();

    /** The cursor of the user's latest event at subscription time (the welcome frame's cursor). */
    String latestCursor();

    /** Begins sending: catch-up first (if resuming), then live. */
    void start();
  }
}
