package io.regen.realtime.platform.cli;

/** The command line is wrong; the message says how. Exits with status 2 and the usage. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
