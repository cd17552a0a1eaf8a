package io.regen.realtime.gateway.delivery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of event delivery and replay ({@code regen.gateway.delivery.*}). Defaults favour
 * latency: the broker answers a fetch as soon as one byte is there, and the dispatcher never waits
 * long in {@code poll} so commands (new sessions, hand-overs) are handled within {@code
 * pollTimeout}.
 *
 * @param pollTimeout how long the live dispatcher waits in one {@code poll}; bounds how late a
 *     subscribe or hand-over is handled
 * @param fetchMaxWait the consumers' {@code fetch.max.wait.ms}
 * @param catchUpReaders size of the node's pool of catch-up consumers (resume and slow clients)
 * @param catchUpSlice records a catch-up reader scans for one session before it serves the next
 * @param catchUpRetry how long a catch-up waits before offering again to a session whose buffer was
 *     full
 * @param slowMaxBehind how long a slow client may stay behind live before it is closed with 4009
 * @param slowMaxLag how many partition offsets a slow client may lag behind the live dispatcher
 *     before it is closed with 4009
 * @param replayReaders size of the pool of replay consumers
 * @param replayMaxEvents the most events one replay or history request returns
 * @param replayStallTimeout how long a replay waits for a full client buffer to drain before it
 *     gives up
 * @param subscribeTimeout bound on the broker look-ups a subscribe makes (partition count, offsets)
 * @param fetchMinBytes the consumers' {@code fetch.min.bytes} (default 1: a fetch is answered as
 *     soon as a record is there; larger values trade up to {@code fetchMaxWait} of latency for
 *     fewer fetch requests, see docs/performance.md)
 */
@ConfigurationProperties("regen.gateway.delivery")
public record DeliveryProperties(
    Duration pollTimeout,
    Duration fetchMaxWait,
    int catchUpReaders,
    int catchUpSlice,
    Duration catchUpRetry,
    Duration slowMaxBehind,
    long slowMaxLag,
    int replayReaders,
    long replayMaxEvents,
    Duration replayStallTimeout,
    Duration subscribeTimeout,
    int fetchMinBytes) {

  public DeliveryProperties {
    pollTimeout = orDefault(pollTimeout, Duration.ofMillis(10));
    fetchMaxWait = orDefault(fetchMaxWait, Duration.ofMillis(10));
    catchUpReaders = catchUpReaders > 0 ? catchUpReaders : 4;
    catchUpSlice = catchUpSlice > 0 ? catchUpSlice : 1_000;
    catchUpRetry = orDefault(catchUpRetry, Duration.ofMillis(50));
    slowMaxBehind = orDefault(slowMaxBehind, Duration.ofSeconds(30));
    slowMaxLag = slowMaxLag > 0 ? slowMaxLag : 1_000_000;
    replayReaders = replayReaders > 0 ? replayReaders : 2;
    replayMaxEvents = replayMaxEvents > 0 ? replayMaxEvents : 100_000;
    replayStallTimeout = orDefault(replayStallTimeout, Duration.ofSeconds(30));
    subscribeTimeout = orDefault(subscribeTimeout, Duration.ofSeconds(10));
    fetchMinBytes = fetchMinBytes > 0 ? fetchMinBytes : 1;
  }

  /**
   * How long the dispatcher may go without a completed poll before delivery health is DOWN: three
   * poll timeouts, at least 15 s (one slow poll or a broker's leader election must not flap a load
   * balancer).
   */
  public Duration healthMaxPollAge() {
    Duration three = pollTimeout.multipliedBy(3);
    return three.compareTo(MIN_HEALTH_POLL_AGE) > 0 ? three : MIN_HEALTH_POLL_AGE;
  }

  static final Duration MIN_HEALTH_POLL_AGE = Duration.ofSeconds(15);

  /** All defaults. */
  public static DeliveryProperties defaults() {
    return new DeliveryProperties(null, null, 0, 0, null, null, 0, 0, 0, null, null, 0);
  }

  private static Duration orDefault(Duration value, Duration fallback) {
    return value == null || value.isNegative() || value.isZero() ? fallback : value;
  }
}
