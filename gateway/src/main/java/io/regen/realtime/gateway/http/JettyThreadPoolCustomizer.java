package io.regen.realtime.gateway.http;

import java.time.Duration;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Sizes Jetty's request thread pool for the gateway on a small box, unless Spring Boot's own {@code
 * server.jetty.threads.max}, {@code .min} or {@code .idle-timeout} say otherwise (each one set
 * wins). Boot's defaults (200 threads, 60 s idle timeout, and Jetty evicting one idle thread per
 * idle timeout) let a reconnect burst grow the pool to 200 threads that then stayed for hours; no
 * gateway work parks a Jetty thread for long (subscribes and socket writes are asynchronous), so
 * {@value #DEFAULT_MAX} threads serve the bursts, and every idle thread above the minimum leaves
 * {@link #DEFAULT_IDLE_TIMEOUT} after the burst.
 */
public final class JettyThreadPoolCustomizer
    implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {
  public static final int DEFAULT_MAX = 32;
  public static final int DEFAULT_MIN = 8;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

  static final String MAX = "server.jetty.threads.max";
  static final String MIN = "server.jetty.threads.min";
  static final String IDLE_TIMEOUT = "server.jetty.threads.idle-timeout";

  private final Predicate<String> configured;

  /**
   * @param configured whether a Spring property is set by the operator (then Boot applies it)
   */
  public JettyThreadPoolCustomizer(Predicate<String> configured) {
    this.configured = configured;
  }

  @Override
  public void customize(ConfigurableJettyWebServerFactory factory) {
    factory.addServerCustomizers(this::customizeServer);
  }

  void customizeServer(Server server) {
    if (!(server.getThreadPool() instanceof QueuedThreadPool pool)) {
      return; // virtual threads or an application's own pool: not ours to size
    }
    if (!configured.test(MAX)) {
      pool.setMaxThreads(DEFAULT_MAX);
    }
    if (!configured.test(MIN)) {
      pool.setMinThreads(Math.min(DEFAULT_MIN, pool.getMaxThreads()));
    }
    if (!configured.test(IDLE_TIMEOUT)) {
      pool.setIdleTimeout((int) DEFAULT_IDLE_TIMEOUT.toMillis());
    }
    // Jetty evicts one idle thread per idle timeout by default: 200 threads took 200 timeouts.
    pool.setMaxEvictCount(pool.getMaxThreads());
  }
}
