package io.regen.realtime.gateway.delivery;

import java.util.OptionalLong;

/**
 * What the delivery health check reads of the live dispatcher. Both methods are cheap and safe to
 * call from any thread at any time.
 */
public interface DispatcherLiveness {
  /** Whether the dispatcher thread runs: false before start, after close and once it died. */
  boolean dispatcherAlive();

  /**
   * {@link System#nanoTime()} of the dispatcher's last completed poll with the cluster reachable
   * (with nothing assigned, its last wait for commands), or empty before the first one.
   */
  OptionalLong lastPollNanos();
}
