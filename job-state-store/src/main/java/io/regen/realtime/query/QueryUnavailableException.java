package io.regen.realtime.query;

import java.time.Duration;

/**
 * The answer cannot be given correctly right now: Kafka Streams is not running, the key's owner is
 * unknown or unreachable (rebalance, restoration, instance down), a partition of a fan-out did not
 * answer, or the store did not reach the requested minimum position in time. Always transient from
 * the client's point of view: the REST layer answers 503 with {@code Retry-After}, never a partial
 * or guessed result.
 */
public class QueryUnavailableException extends RuntimeException {
  /** Machine-readable reasons, the {@code error} field of the 503 body. */
  public enum Reason {
    NOT_RUNNING,
    OWNER_UNKNOWN,
    OWNER_UNREACHABLE,
    STORE_NOT_READY,
    INCOMPLETE_FANOUT,
    POSITION_NOT_REACHED
  }

  private final Reason reason;
  private final Duration retryAfter;

  public QueryUnavailableException(Reason reason, String message) {
    this(reason, message, null);
  }

  public QueryUnavailableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryAfter = Duration.ofSeconds(1);
  }

  public Reason reason() {
    return reason;
  }

  /** How long a client should wait before retrying (the {@code Retry-After} header). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
