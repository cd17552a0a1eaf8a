package io.regen.realtime.gateway.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
   * Prepares delivery to {@code session} without blocking the caller: resolving the cursor needs
   * broker look-ups (bounded by the subscribe timeout), and the returned future completes when they
   * are done — on a Kafka client thread, so the caller must move work that can block elsewhere.
   * Nothing is sent before {@link Subscription#start()}, so the caller can send its welcome frame
   * first.
   *
   * <p>The future fails with {@link DeliveryUnavailableException} when the broker did not answer in
   * time (retryable), with {@link java.util.concurrent.CancellationException} when {@link
   * #unsubscribe} came while it was pending (nothing stays registered), and with another exception
   * on an internal failure (e.g. delivery not running).
   *
   * @param cursor the last cursor the client saw, or null to start live from now
   */
  CompletableFuture<Subscription> subscribeAsync(ClientSession session, String cursor);

  /**
   * {@link #subscribeAsync}, waiting for the outcome: for callers that may block (tests, tools),
   * never a connection's reader thread. Throws what the future failed with.
   */
  default Subscription subscribe(ClientSession session, String cursor) {
    try {
      return subscribeAsync(session, cursor).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Stops delivery to a session (on close), and cancels its pending subscribe if there is one.
   * Idempotent.
   */
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
