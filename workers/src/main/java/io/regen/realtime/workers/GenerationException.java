package io.regen.realtime.workers;

/**
 * A text generator or research source could not go on. The worker reports it as {@code
 * job:failed:v1} with the exception's code, message and retryability.
 */
public class GenerationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public GenerationException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public GenerationException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same request may succeed when tried again (e.g. a model backend timed out). */
  public boolean isRetryable() {
    return retryable;
  }
}
