package io.regen.realtime.gateway.delivery;

/**
 * A subscribe could not be served now because the broker did not answer its look-ups (partition
 * count, offsets) within the subscribe deadline, retries with fresh metadata included: a leader
 * change or a lost broker. Retryable: the client should try again after {@link #retryAfterMs()}
 * (the protocol's {@code unavailable} error), not treat it as an internal failure.
 */
public final class DeliveryUnavailableException extends IllegalStateException {
  private final long retryAfterMs;

  public DeliveryUnavailableException(String message, long retryAfterMs, Throwable cause) {
    super(message, cause);
    this.retryAfterMs = retryAfterMs;
  }

  /** How long the client should wait before it subscribes again. */
  public long retryAfterMs() {
    return retryAfterMs;
  }
}
