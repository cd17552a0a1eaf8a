package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.platform.testing.FreePorts;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: Redis (presence) <b>hung</b>, not refused: a real {@code redis-server} stopped with
 * SIGSTOP, so connections stay open and commands get no answer. On {@code regen up} with its own
 * broker (the fault does not need three) and {@code REDIS_URL} set, with traffic and tabs
 * throughout ({@link FaultRun}): while Redis is stopped, events published after the stop reach a
 * tab, a new session is welcomed, presence answers {@code 503 presence_unavailable} within its
 * bound, the gateway logs the outage ({@code Presence: store unavailable}) and its gauge {@code
 * regen_presence_available} drops to 0; after SIGCONT presence answers again by itself, logs that
 * and the gauge is back at 1. The oracle then checks every acknowledged event at every tab once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RedisHungIT {
  private static final Path LOGS = Path.of("target", "fault-suite", "redis-hung");

  /** The gateway's gauge of the presence store: 1 while it answers, 0 while degraded. */
  private static final String PRESENCE_AVAILABLE = "regen_presence_available";

  @TempDir static Path dataDir;
  private static Process redis;
  private static FaultPlatform platform;

  @BeforeAll
  static void start() throws Exception {
    int redisPort = FreePorts.next();
    Files.createDirectories(LOGS);
    redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(redisPort),
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(LOGS.resolve("redis.log").toFile())
            .start();
    platform =
        FaultPlatform.upOnItsOwnBroker(
            dataDir, LOGS, 3, Map.of("REDIS_URL", "redis://localhost:" + redisPort));
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.close();
    }
    if (redis != null) {
      signal("CONT");
      redis.destroyForcibly();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHungRedisLeavesDeliveryAndLoginsAloneAndPresenceDegradesVisibly() throws Exception {
    String user = FaultRun.USERS.get(0);
    await("presence works before the fault")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> platform.get("/api/presence/" + user, user).statusCode() == 200);
    assertThat(platform.metric(PRESENCE_AVAILABLE)).as("presence gauge before the fault").isOne();
    FaultRun run = FaultRun.of(platform, "redis-hung");
    run.run(
        publisher -> {
          try (WebSocketTab watcher = platform.openTab(user)) {
            int shownBefore = watcher.shown(publisher.prefix()).size();
            long stopped = System.nanoTime();
            signal("STOP");
            try {
              // Delivery: events published after the stop reach a tab while Redis hangs.
              await("delivery while Redis hangs")
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> watcher.shown(publisher.prefix()).size() >= shownBefore + 50);
              // Logins: a new session is welcomed while Redis hangs.
              double welcome =
                  platform.awaitWelcome("fault-carol", System.nanoTime(), Duration.ofSeconds(15));
              // Presence degrades: a fast 503, the gauge at 0, a log line saying so.
              await("presence answers 503 while Redis hangs")
                  .atMost(Duration.ofSeconds(15))
                  .until(
                      () -> {
                        HttpResponse<String> r = platform.get("/api/presence/" + user, user);
                        return r.statusCode() == 503 && r.body().contains("presence_unavailable");
                      });
              long t = System.nanoTime();
              HttpResponse<String> again = platform.get("/api/presence/" + user, user);
              long unavailableMs = (System.nanoTime() - t) / 1_000_000;
              assertThat(again.statusCode()).isEqualTo(503);
              assertThat(again.headers().firstValue("Retry-After")).isPresent();
              assertThat(unavailableMs).as("503 within the command timeout").isLessThan(2_000);
              await("the gateway logs the outage")
                  .atMost(Duration.ofSeconds(15))
                  .until(() -> platform.process().output().contains("Presence: store unavailable"));
              await("the presence gauge says degraded")
                  .atMost(Duration.ofSeconds(15))
                  .ignoreExceptions()
                  .until(() -> platform.metric(PRESENCE_AVAILABLE) == 0);
              assertThat(platform.process().isAlive()).isTrue();
              run.note(
                  String.format(
                      "while hung: +%d events at a watching tab, new session welcomed in %.1f s,"
                          + " presence 503 in %d ms",
                      watcher.shown(publisher.prefix()).size() - shownBefore,
                      welcome,
                      unavailableMs));
            } finally {
              signal("CONT");
            }
            long resumed = System.nanoTime();
            await("presence answers again by itself")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                    () ->
                        platform.get("/api/presence/" + user, user).statusCode() == 200
                            && platform
                                .process()
                                .output()
                                .contains("Presence: store reachable again")
                            && platform.metric(PRESENCE_AVAILABLE) == 1);
            run.note(
                String.format(
                    "hung %.1f s; recovery = SIGCONT to presence answering",
                    (resumed - stopped) / 1e9));
            return (System.nanoTime() - resumed) / 1e9;
          }
        });
  }

  private static void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(redis.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " redis-server failed");
    }
  }
}
