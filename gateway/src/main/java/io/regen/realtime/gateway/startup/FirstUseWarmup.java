package io.regen.realtime.gateway.startup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs each {@link WarmupStep} once before the web server accepts connections, so the first clients
 * after a (re)start do not pay class loading and initialisation (JWT parser, Avro, frame building)
 * on every Jetty thread at once: measured, that was ~2.4 s of a restarted gateway's first welcomes
 * with 1,000 clients reconnecting (docs/reliability.md).
 *
 * <p>Bounded and never fatal: the steps run in order on one daemon thread, begun when the bean is
 * created; {@link #start()} waits for them at most {@code budget} and then goes on (the thread
 * finishes in the background). A step that throws is logged and the next one runs.
 */
public final class FirstUseWarmup implements SmartLifecycle, InitializingBean {
  private static final Logger log = LoggerFactory.getLogger(FirstUseWarmup.class);

  /** Before everything else that starts, the web server (which accepts the first clients) too. */
  static final int PHASE = Integer.MIN_VALUE + 1024;

  /** How a step ended. */
  public enum Outcome {
    DONE,
    FAILED
  }

  private final List<WarmupStep> steps;
  private final Duration budget;
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private Thread worker;
  private long began;
  private volatile boolean running;

  public FirstUseWarmup(List<WarmupStep> steps, Duration budget) {
    this.steps = List.copyOf(steps);
    this.budget = budget;
  }

  /**
   * Begins the steps on their own thread as soon as the bean exists, so they overlap the rest of
   * the context's start (Kafka clients, Jetty); {@link #start()} then only waits for them.
   */
  @Override
  public synchronized void afterPropertiesSet() {
    if (worker != null) {
      return;
    }
    began = System.nanoTime();
    worker =
        new Thread(
            () -> {
              try {
                steps.forEach(this::run);
              } finally {
                finished.countDown();
              }
            },
            "gateway-warmup");
    worker.setDaemon(true);
    worker.start();
  }

  /** Waits for the steps (at most {@code budget}, begun if not yet) and returns; never throws. */
  @Override
  public void start() {
    running = true;
    afterPropertiesSet();
    long waitFrom = System.nanoTime();
    boolean inTime;
    try {
      inTime = finished.await(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      inTime = false;
    }
    long now = System.nanoTime();
    long ms = TimeUnit.NANOSECONDS.toMillis(now - began);
    long waited = TimeUnit.NANOSECONDS.toMillis(now - waitFrom);
    if (inTime) {
      log.info(
          "First-use paths warmed in {} ms (the start waited {} ms for them): {}",
          ms,
          waited,
          outcomes);
    } else {
      log.warn(
          "First-use warm-up not finished after {} ms (budget {}); starting anyway: {}",
          ms,
          budget,
          outcomes);
    }
  }

  /** How each step that has ended so far ended, by name. */
  public Map<String, Outcome> outcomes() {
    return Map.copyOf(outcomes);
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  private void run(WarmupStep step) {
    try {
      step.work().run();
      outcomes.put(step.name(), Outcome.DONE);
    } catch (RuntimeException | LinkageError e) {
      outcomes.put(step.name(), Outcome.FAILED);
      log.warn("Warm-up step {} failed (the gateway starts anyway): {}", step.name(), e.toString());
    }
  }
}
