package io.regen.realtime.gateway.jobs;

/** A {@link JobDirectory} source that refused the caller or could not answer. */
public final class JobLookupException extends RuntimeException {
  /** Why the look-up failed. */
  public enum Reason {
    /** The source refused the caller's token for this job. */
    FORBIDDEN,
    /** The source is unreachable, starting, or answered something unreadable. */
    UNAVAILABLE
  }

  private final Reason reason;

  public JobLookupException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public JobLookupException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
