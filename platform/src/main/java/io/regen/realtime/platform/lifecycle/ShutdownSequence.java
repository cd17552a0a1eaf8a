package io.regen.realtime.platform.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * What a role started, closed in reverse order of start (workers before the HTTP app before the
 * registry before the broker), exactly once: on SIGINT/SIGTERM, on JVM exit, or on a failed start.
 *
 * <p>SIGINT and SIGTERM are trapped and turned into {@code System.exit(0)}: the JVM's default for
 * these signals is exit status 130/143 even when every hook ran cleanly, while a graceful stop is a
 * success. A component started after closing began is closed at once.
 */
public final class ShutdownSequence {
  private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);

  private record Step(String name, AutoCloseable closeable) {}

  private final Deque<Step> steps = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private boolean closing;

  /** Installs the JVM shutdown hook and the SIGINT/SIGTERM handlers that trigger this sequence. */
  public ShutdownSequence installHooks() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "regen-shutdown"));
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(
            new Signal(signal),
            s -> {
              // exit() runs the hooks and blocks, so leave the signal dispatcher thread at once.
              Thread exit = new Thread(() -> System.exit(0), "regen-signal-" + s.getName());
              exit.setDaemon(false);
              exit.start();
            });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        log.debug("Cannot trap SIG{}; the JVM default applies", signal, e);
      }
    }
    return this;
  }

  /** Registers {@code closeable} to be closed before everything registered earlier. */
  public <T extends AutoCloseable> T add(String name, T closeable) {
    boolean closeNow;
    synchronized (this) {
      closeNow = closing;
      if (!closeNow) {
        steps.push(new Step(name, closeable));
      }
    }
    if (closeNow) {
      closeQuietly(new Step(name, closeable));
    }
    return closeable;
  }

  /** Closes everything registered, newest first; later calls return at once. */
  public void closeAll() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    long start = System.nanoTime();
    log.info("Shutting down");
    while (true) {
      Step step;
      synchronized (this) {
        step = steps.poll();
      }
      if (step == null) {
        break;
      }
      closeQuietly(step);
    }
    log.info("Stopped cleanly in {} ms", (System.nanoTime() - start) / 1_000_000);
    closed.countDown();
  }

  /** Blocks until {@link #closeAll()} finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  public boolean isClosing() {
    synchronized (this) {
      return closing;
    }
  }

  private static void closeQuietly(Step step) {
    long start = System.nanoTime();
    try {
      step.closeable().close();
      log.info("Stopped {} ({} ms)", step.name(), (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      log.warn("Stopping {} failed", step.name(), e);
    } catch (Error e) {
      log.error("Stopping {} failed", step.name(), e);
    }
  }
}
