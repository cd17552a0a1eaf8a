package io.regen.realtime.registry;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.regen.realtime.registry.internal.KafkaSchemaLog;
import io.regen.realtime.registry.internal.RegistryHttpHandler;
import io.regen.realtime.registry.internal.RegistryService;
import io.regen.realtime.registry.internal.RegistryState;
import io.regen.realtime.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded, Confluent-compatible schema registry (Avro only) that keeps its schemas in a
 * compacted single-partition Kafka topic ({@link Topics#SCHEMAS} by default).
 *
 * <p>Every instance replays the same log in the same order, so ids survive restarts and any number
 * of instances on one cluster agree on every id; see {@code docs/schema-registry.md}. Lifecycle:
 * construct, {@link #start()} (blocks until the topic is replayed and the port listens), {@link
 * #close()}. Thread-safe.
 *
 * <pre>{@code
 * try (var registry = new SchemaRegistryServer("localhost:9092", 8081)) {
 *   registry.start();
 *   SchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url());
 * }
 * }</pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

  /** The registry's conventional port. */
  public static final int DEFAULT_PORT = 8081;

  /** How long {@link #start()} waits for Kafka before giving up. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private static final int HTTP_THREADS = 4;

  private final String bootstrapServers;
  private final int requestedPort;
  private final String topic;
  private final Duration startTimeout;
  private volatile KafkaSchemaLog store;
  private volatile HttpServer http;
  private volatile ExecutorService executor;
  private volatile boolean ready;
  private volatile boolean closed;

  /**
   * A registry on the Kafka cluster at {@code bootstrapServers}, storing into {@link
   * Topics#SCHEMAS}, serving HTTP on {@code port} (0 picks a free port).
   */
  public SchemaRegistryServer(String bootstrapServers, int port) {
    this(bootstrapServers, port, Topics.SCHEMAS, DEFAULT_START_TIMEOUT);
  }

  /** As {@link #SchemaRegistryServer(String, int)}, storing into {@code topic} (for isolation). */
  public SchemaRegistryServer(
      String bootstrapServers, int port, String topic, Duration startTimeout) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port " + port);
    }
    this.requestedPort = port;
    this.topic = Objects.requireNonNull(topic, "topic");
    this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
  }

  /**
   * Creates the topic if missing, replays it, then listens. Returns once requests are served.
   *
   * @throws IllegalStateException if Kafka is unreachable or the topic unusable within the start
   *     timeout, or the server was already started or closed
   * @throws UncheckedIOException if the port cannot be bound
   */
  public synchronized void start() {
    if (closed || store != null) {
      throw new IllegalStateException("Schema registry already started or closed");
    }
    long began = System.nanoTime();
    RegistryState state = new RegistryState();
    store = new KafkaSchemaLog(bootstrapServers, topic, state);
    try {
      store.start(startTimeout);
      AtomicInteger threads = new AtomicInteger();
      executor =
          Executors.newFixedThreadPool(
              HTTP_THREADS,
              r -> {
                Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      try {
        http = HttpServer.create(new InetSocketAddress(requestedPort), 128);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot listen on port " + requestedPort, e);
      }
      // Micrometer's global registry: the application's (up) or the role's metrics endpoint.
      http.createContext(
          "/", new RegistryHttpHandler(new RegistryService(state, store), Metrics.globalRegistry));
      http.setExecutor(executor);
      http.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    ready = true;
    log.info(
        "Schema registry listening on {} (topic {}, started in {} ms)",
        url(),
        topic,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  /** The port HTTP listens on. */
  public int port() {
    HttpServer server = http;
    if (server == null) {
      throw new IllegalStateException("Schema registry not started");
    }
    return server.getAddress().getPort();
  }

  /** {@code http://localhost:<port>}. */
  public String url() {
    return "http://localhost:" + port();
  }

  /** The Kafka topic the schemas are stored in. */
  public String topic() {
    return topic;
  }

  /** True once started, while its store reader is healthy and until closed. */
  public boolean isReady() {
    KafkaSchemaLog s = store;
    return ready && !closed && s != null && s.isHealthy();
  }

  /** Stops serving and releases the port and Kafka clients. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ready = false;
    if (http != null) {
      http.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    if (store != null) {
      store.close();
    }
  }
}
