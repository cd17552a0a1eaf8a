package io.regen.realtime.registry;

import io.regen.realtime.registry.internal.KafkaSchemaLog;
import io.regen.realtime.registry.internal.RegistryApi;
import io.regen.realtime.registry.internal.RegistryHttpServer;
import io.regen.realtime.registry.internal.RegistryService;
import io.regen.realtime.registry.internal.RegistryState;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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

  private final String bootstrapServers;
  private final RegistryServerOptions options;
  private volatile Durability durability = Durability.expecting(1);
  private volatile KafkaSchemaLog store;
  private volatile RegistryHttpServer http;
  private volatile boolean ready;
  private volatile boolean closed;

  /**
   * A registry on the Kafka cluster at {@code bootstrapServers}, storing into {@link
   * Topics#SCHEMAS}, serving HTTP on loopback {@code port} (0 picks a free port), no auth.
   */
  public SchemaRegistryServer(String bootstrapServers, int port) {
    this(bootstrapServers, RegistryServerOptions.loopback(port));
  }

  /** As {@link #SchemaRegistryServer(String, int)}, storing into {@code topic} (for isolation). */
  public SchemaRegistryServer(
      String bootstrapServers, int port, String topic, Duration startTimeout) {
    this(
        bootstrapServers,
        RegistryServerOptions.loopback(port).withTopic(topic).withStartTimeout(startTimeout));
  }

  /** A registry on the Kafka cluster at {@code bootstrapServers}, listening as {@code options}. */
  public SchemaRegistryServer(String bootstrapServers, RegistryServerOptions options) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * The replication the schema topic is created with (default: whatever brokers are up, at most 3);
   * call before {@link #start}.
   */
  public SchemaRegistryServer withDurability(Durability durability) {
    this.durability = Objects.requireNonNull(durability, "durability");
    return this;
  }

  /**
   * Creates the topic if missing, replays it, then listens. Returns once requests are served.
   *
   * @throws IllegalStateException if Kafka is unreachable or the topic unusable within the start
   *     timeout, or the server was already started or closed
   * @throws UncheckedIOException if the address and port cannot be bound
   */
  public synchronized void start() {
    if (closed || store != null) {
      throw new IllegalStateException("Schema registry already started or closed");
    }
    long began = System.nanoTime();
    RegistryState state = new RegistryState();
    store = new KafkaSchemaLog(bootstrapServers, options.topic(), state, durability);
    try {
      store.start(options.startTimeout());
      http =
          new RegistryHttpServer(
              options, new RegistryApi(new RegistryService(state, store, options.limits())));
      try {
        http.start();
      } catch (Exception e) {
        throw new UncheckedIOException(
            new IOException(
                "Cannot listen on " + options.bindAddress() + ":" + options.port() + ": " + e, e));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    ready = true;
    log.info(
        "Schema registry listening on {}:{} (topic {}, auth {}, started in {} ms)",
        options.bindAddress(),
        port(),
        options.topic(),
        options.users().enabled() ? "on" : "off",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  /** The port HTTP listens on. */
  public int port() {
    RegistryHttpServer server = http;
    if (server == null) {
      throw new IllegalStateException("Schema registry not started");
    }
    return server.port();
  }

  /**
   * {@code http://<host>:<port>}: {@code localhost} when bound to loopback or every interface, else
   * the bound address.
   */
  public String url() {
    String bind = options.bindAddress();
    boolean local =
        bind.equals(RegistryServerOptions.LOOPBACK)
            || bind.equals(RegistryServerOptions.ALL_INTERFACES);
    String host = local ? "localhost" : bind;
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  /** The Kafka topic the schemas are stored in. */
  public String topic() {
    return options.topic();
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
      http.close();
    }
    if (store != null) {
      store.close();
    }
  }
}
