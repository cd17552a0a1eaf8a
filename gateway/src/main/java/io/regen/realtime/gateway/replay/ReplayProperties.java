package io.regen.realtime.gateway.replay;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of WebSocket replay and NDJSON history ({@code regen.gateway.replay.*}), so one user or
 * one stalled client cannot hold the node's replay readers.
 *
 * @param perUser replays and histories one user may run at once on this node (default 2); one more
 *     is refused with {@code replay_busy}
 * @param readers size of the node's pool of replay readers, shared by every user; unset (0), the
 *     older {@code regen.gateway.delivery.replay-readers} (default 2) applies
 * @param scanBudget records one replay or history may scan (default 1,000,000): a job without a
 *     terminal event or known last offset is not read to the end of a busy partition
 * @param writeTimeout how long one NDJSON write may wait for a client that does not read (default
 *     30 s); after it the response is cut and the user's slot returned
 */
@ConfigurationProperties("regen.gateway.replay")
public record ReplayProperties(int perUser, int readers, long scanBudget, Duration writeTimeout) {

  public ReplayProperties {
    perUser = perUser > 0 ? perUser : 2;
    readers = Math.max(readers, 0);
    scanBudget = scanBudget > 0 ? scanBudget : 1_000_000;
    writeTimeout =
        writeTimeout == null || writeTimeout.isNegative() || writeTimeout.isZero()
            ? Duration.ofSeconds(30)
            : writeTimeout;
  }

  /** The pool size: {@link #readers} if set, else {@code fallback}. */
  public int readersOr(int fallback) {
    return readers > 0 ? readers : fallback;
  }

  /** All defaults. */
  public static ReplayProperties defaults() {
    return new ReplayProperties(0, 0, 0, null);
  }
}
