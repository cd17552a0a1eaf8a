package io.regen.realtime.gateway;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's threads: a few writer threads that start asynchronous socket writes for sessions
 * with queued frames, one timer thread for all connections, and the subscribe threads that send a
 * new session's welcome once its broker look-ups have completed (so neither a Jetty thread waits
 * for them nor does the Kafka client thread that completes them run the protocol's work). Not
 * exposed as {@code Executor} beans, so the application's own task executor configuration is
 * unaffected.
 */
public final class GatewayExecutors implements AutoCloseable {
  private final ExecutorService writer;
  private final ScheduledExecutorService timer;
  private final ExecutorService subscribe;

  /** As many subscribe threads as writer threads: a welcome is a few queue operations. */
  public GatewayExecutors(int writerThreads) {
    this.writer = Executors.newFixedThreadPool(writerThreads, named("gateway-writer"));
    this.timer = Executors.newSingleThreadScheduledExecutor(named("gateway-timer"));
    this.subscribe = Executors.newFixedThreadPool(writerThreads, named("gateway-subscribe"));
  }

  public ExecutorService writer() {
    return writer;
  }

  public ScheduledExecutorService timer() {
    return timer;
  }

  /** Sends subscribe outcomes (welcome or error) and routes the frames held until then. */
  public ExecutorService subscribe() {
    return subscribe;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    subscribe.shutdown();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.shutdownNow();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
