package io.regen.realtime.registry.internal;

import io.regen.realtime.registry.RegistryServerOptions;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty server the registry answers on: one connector on the configured interface and port, a
 * small I/O thread pool, a connection cap, an idle timeout, 8 KiB request headers, and a bounded
 * worker pool for the API (see {@link RegistryJettyHandler}).
 */
public final class RegistryHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryHttpServer.class);
  private static final int MAX_HEADER_BYTES = 8 * 1024;

  private final Server server;
  private final ServerConnector connector;
  private final ThreadPoolExecutor workers;
  private volatile int boundPort = -1;

  public RegistryHttpServer(RegistryServerOptions options, RegistryApi api) {
    var limits = options.limits();
    QueuedThreadPool io = new QueuedThreadPool(16, 2);
    io.setName("schema-registry-io");
    io.setDaemon(true);
    server = new Server(io);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    // Subjects may contain '/', sent as %2F inside one segment; the handler decodes segments.
    http.setUriCompliance(
        UriCompliance.DEFAULT.with("registry", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(options.bindAddress());
    connector.setPort(options.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(128);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    AtomicInteger threads = new AtomicInteger();
    workers =
        new ThreadPoolExecutor(
            limits.workerThreads(),
            limits.workerThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(limits.queueCapacity()),
            r -> {
              Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setHandler(new RegistryJettyHandler(api, options.users(), limits, workers));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(2_000);
  }

  /** Binds and serves. */
  public void start() throws Exception {
    server.start();
    boundPort = connector.getLocalPort();
  }

  /** The bound port (still known after {@link #close()}, for messages). */
  public int port() {
    return boundPort;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("Schema registry HTTP server did not stop cleanly", e);
    } finally {
      workers.shutdownNow();
    }
  }
}
