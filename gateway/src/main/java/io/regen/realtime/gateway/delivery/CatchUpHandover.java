package io.regen.realtime.gateway.delivery;

import java.util.List;

/**
 * What the catch-up readers need from the live dispatcher: how far it has dispatched, taking over
 * sessions that have caught up, and closing sessions that stay too far behind. Implemented by
 * {@link KafkaEventDelivery}.
 */
interface CatchUpHandover {

  /** The dispatcher's answer for one session a reader asks it to take over. */
  enum Reply {
    /** The session is live now; the reader drops it. */
    LIVE,
    /** Not yet (deliver up to the session's switch point, then ask again). */
    CONTINUE,
    /** The session is gone or owned by another catch-up task; the reader drops it. */
    STOP
  }

  /**
   * The offset through which the dispatcher has dispatched {@code partition}, or {@link
   * Long#MAX_VALUE} when it is not assigned it.
   */
  long dispatchedThrough(int partition);

  /**
   * Asks the dispatcher to take over caught-up sessions, all in one request; blocks the calling
   * reader (bounded). The reply for {@code sessions.get(i)} is at index {@code i}.
   */
  Reply[] requestHandover(List<SessionState> sessions);

  /**
   * Closes a session that stayed behind past the limit; it resumes on reconnect with its cursor.
   */
  void closeTooSlow(SessionState s, String reason);
}
