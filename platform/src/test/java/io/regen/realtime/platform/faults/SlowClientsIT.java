package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: a client that never reads its socket, and one that reads slowly, each among the reading
 * tabs of {@link FaultRun} (traffic of big frames, ~4 KB, so their buffers fill within seconds) on
 * {@code regen up} with its own broker. The gateway's bounded outbound buffer (1,024 frames / 1 MiB
 * per session) makes it fall back to reading the topic for them; past {@code slow-max-behind} (here
 * {@value #SLOW_MAX_BEHIND_S} s) they are closed with 4009, and a client that cannot even read the
 * close frame is dropped after the sweeper's grace (5 s). Asserted, for each: the other tabs get
 * everything (the oracle), the stalled client is closed within its bound, the gateway's queued
 * frames and connections go back to what the reading tabs need (its memory released), and after
 * resuming from its last cursor it has every acknowledged event of its user once, in order (the
 * oracle over what both its connections showed).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowClientsIT {
  private static final Path LOGS = Path.of("target", "fault-suite", "slow-clients");

  /** The gateway's {@code slow-max-behind} here (default 30 s; shorter keeps the test short). */
  static final int SLOW_MAX_BEHIND_S = 10;

  /** {@code SessionSweeper.CLOSE_GRACE_NANOS}: a close frame not flushed by then is a drop. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  /**
   * Buffer full (fallback) to the 4009 decision: slow-max-behind plus the checks' periods, bounded
   * by 2x slow-max-behind (derived from the configuration, not measured).
   */
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(2L * SLOW_MAX_BEHIND_S);

  /** The 4009 decision to the connection gone: the grace plus a sweep, bounded by 2x that. */
  private static final Duration DROP_BOUND = CLOSE_GRACE.plusSeconds(1).multipliedBy(2);

  /** Progress messages of ~4 KB: 125 events/s per user fill a stalled client's buffers fast. */
  private static final int MESSAGE_CHARS = 4000;

  @TempDir static Path dataDir;
  private static FaultPlatform platform;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    platform =
        FaultPlatform.upOnItsOwnBroker(
            dataDir,
            LOGS,
            3,
            Map.of("REGEN_GATEWAY_DELIVERY_SLOWMAXBEHIND", SLOW_MAX_BEHIND_S + "s"));
  }

  @AfterAll
  static void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void aClientThatNeverReadsIsClosedWithinItsBoundAndLosesNothingOnceItResumes() throws Exception {
    String user = FaultRun.USERS.get(0);
    FaultRun run = FaultRun.of(platform, "never-reading-client").messageChars(MESSAGE_CHARS);
    // Connected before the traffic starts (the oracle wants every event of the run from it).
    double fallbacks = platform.metric("delivery_slow_fallbacks_total");
    double closes = platform.metric("delivery_slow_closes_total");
    long readingTabs =
        (long) platform.metric("active_socket_connections")
            + (long) FaultRun.USERS.size() * FaultRun.TABS;
    SlowClient stuck = SlowClient.connect(platform.httpPort(), user, token(user));
    run.alsoCheck(stuck);
    try {
      run.afterTraffic(
              publisher ->
                  // Traffic stopped: the reading tabs drained, and nothing of the dropped client
                  // is held any more.
                  await("queued frames and connections back to the reading tabs'")
                      .atMost(Duration.ofSeconds(30))
                      .pollInterval(Duration.ofMillis(100))
                      .until(
                          () ->
                              platform.metric("gateway_outbound_queued_frames") == 0
                                  // + 1: the stuck client's resumed connection
                                  && platform.metric("active_socket_connections")
                                      == readingTabs + 1))
          .run(
              publisher -> {
                AtomicLong peak = new AtomicLong();
                long full = awaitMetricAbove("delivery_slow_fallbacks_total", fallbacks, peak);
                long closing = awaitMetricAbove("delivery_slow_closes_total", closes, peak);
                await("the stuck connection dropped")
                    .atMost(DROP_BOUND)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> platform.metric("active_socket_connections") == readingTabs);
                long gone = System.nanoTime();
                assertThat(Duration.ofNanos(closing - full))
                    .as("buffer full to 4009")
                    .isLessThanOrEqualTo(CLOSE_BOUND);
                assertThat(peak.get())
                    .as("frames queued while it was stuck (its buffer filled, and stayed bounded)")
                    .isBetween(100L, 1024L + 64L + 4 * 1024L);
                stuck.drain();
                int prefix = stuck.readBeforeClose();
                stuck.resume(HTTP, platform.httpPort()).get(30, TimeUnit.SECONDS);
                run.note(
                    String.format(
                        "buffer full to 4009 %.1f s (slow-max-behind %d s), 4009 to dropped %.1f s,"
                            + " peak queued frames %d, %d events read before the drop, then"
                            + " resumed from its cursor; recovery = full to dropped",
                        (closing - full) / 1e9,
                        SLOW_MAX_BEHIND_S,
                        (gone - closing) / 1e9,
                        peak.get(),
                        prefix));
                return (gone - full) / 1e9;
              });
    } finally {
      stuck.close();
    }
  }

  @Test
  void aClientThatReadsSlowlyIsClosedWith4009AndCatchesUpFromItsCursor() throws Exception {
    String user = FaultRun.USERS.get(1);
    FaultRun run = FaultRun.of(platform, "slowly-reading-client").messageChars(MESSAGE_CHARS);
    double fallbacks = platform.metric("delivery_slow_fallbacks_total");
    double closes = platform.metric("delivery_slow_closes_total");
    SlowClient slow = SlowClient.connect(platform.httpPort(), user, token(user));
    run.alsoCheck(slow);
    // 50 frames/s against the user's 125 events/s: it falls further and further behind.
    slow.readEvery(Duration.ofMillis(20));
    try {
      run.run(
          publisher -> {
            long full =
                awaitMetricAbove("delivery_slow_fallbacks_total", fallbacks, new AtomicLong());
            await("the slow client closed")
                .atMost(CLOSE_BOUND.plus(DROP_BOUND))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> slow.closeCode() != null);
            // The gateway decided 4009; the close frame reaches the client only if it reads its
            // backlog (the kernel's buffers, megabytes) within the close grace, else it is dropped.
            assertThat(platform.metric("delivery_slow_closes_total")).isGreaterThan(closes);
            assertThat(slow.closeCode()).as("close code").isIn(4009, SlowClient.NO_CLOSE_FRAME);
            int prefix = slow.readBeforeClose();
            ResumingTab resumed = slow.resume(HTTP, platform.httpPort()).get(30, TimeUnit.SECONDS);
            assertThat(resumed.resumed()).as("welcome of the resume says resumed").isTrue();
            long since = System.nanoTime();
            await("the resumed client receiving")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> resumed.receivingAtNanos() > 0);
            run.note(
                String.format(
                    "buffer full to 4009 %.1f s (slow-max-behind %d s), %d events read at 50/s"
                        + " before, then resumed at full speed; recovery = 4009 to receiving again",
                    (slow.closedAtNanos() - full) / 1e9, SLOW_MAX_BEHIND_S, prefix));
            return (resumed.receivingAtNanos() - slow.closedAtNanos()) / 1e9;
          });
    } finally {
      slow.close();
    }
  }

  /**
   * Waits (up to 60 s) until the counter {@code name} exceeds {@code before}, sampling the queued
   * frames into {@code peak}; returns {@link System#nanoTime()} when it was seen.
   */
  private static long awaitMetricAbove(String name, double before, AtomicLong peak) {
    await(name + " increases")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              peak.accumulateAndGet(
                  (long) platform.metric("gateway_outbound_queued_frames"), Math::max);
              return platform.metric(name) > before;
            });
    return System.nanoTime();
  }

  private static String token(String user) {
    return FaultPlatform.token(user);
  }
}
