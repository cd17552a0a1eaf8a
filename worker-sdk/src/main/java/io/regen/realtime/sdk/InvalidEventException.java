package io.regen.realtime.sdk;

/**
 * An event the SDK refused to publish because it breaks the event contract (a missing id, a percent
 * outside 0–100, an oversized text, an event after the job ended, ...). Thrown by the {@link
 * JobHandle} method that was asked to publish it, before anything reached Kafka; the job's sequence
 * number is not consumed, so the caller may publish a corrected event next.
 */
public class InvalidEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEventException(String message) {
    super(message);
  }
}
