package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.jobs.JobCommands;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link SessionSweeper#sweep() sweep} (auth timeouts, token expiry, heartbeats) on one
 * timer thread for all connections, and closes every connection with 1001 when the application
 * stops (before the web server), so clients reconnect with their cursors.
 */
public final class GatewayTimers implements SmartLifecycle {
  private final SessionSweeper sweeper;
  private final JobCommands commands;
  private final ScheduledExecutorService timer;
  private final Duration interval;
  private ScheduledFuture<?> sweep;
  private ScheduledFuture<?> evict;
  private volatile boolean running;

  public GatewayTimers(
      SessionSweeper sweeper,
      JobCommands commands,
      ScheduledExecutorService timer,
      Duration interval) {
    this.sweeper = sweeper;
    this.commands = commands;
    this.timer = timer;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    long ms = interval.toMillis();
    sweep = timer.scheduleWithFixedDelay(sweeper::sweep, ms, ms, TimeUnit.MILLISECONDS);
    evict = timer.scheduleWithFixedDelay(commands::evictIdle, 1, 1, TimeUnit.MINUTES);
    running = true;
  }

  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    sweep.cancel(false);
    evict.cancel(false);
    sweeper.closeAll();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Stops before the web server (graceful shutdown runs at {@code DEFAULT_PHASE - 1024}), so the
   * 1001 closes go out on live sockets; starts after it.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 512;
  }
}
