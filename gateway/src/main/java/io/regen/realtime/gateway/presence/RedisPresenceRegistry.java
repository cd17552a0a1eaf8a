package io.regen.realtime.gateway.presence;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in Redis (key layout in {@link RedisPresenceScripts} and {@code docs/presence.md}), for
 * several gateway nodes. Every update is one Lua script, so it is atomic; expiry is judged by
 * Redis's clock, and the entries of a node that stops heartbeating lapse on their own.
 *
 * <p>Failure behaviour: calls are synchronous and bounded. A command without an answer after the
 * command timeout (250 ms by default) fails; while the connection is down commands are rejected at
 * once instead of being buffered; at most {@code requestQueueSize} commands are in flight. Every
 * failure surfaces as {@link PresenceUnavailableException} and is counted in {@code
 * regen_presence_failures_total}. The connection is opened in the background: construction never
 * fails because Redis is down, and after the first connect Lettuce reconnects by itself
 * (exponential back-off capped at {@code maxReconnectDelay}). Not for Redis Cluster: the heartbeat
 * script touches user keys it derives itself.
 */
public final class RedisPresenceRegistry implements PresenceRegistry, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisPresenceRegistry.class);
  private static final int HEARTBEAT_CHUNK = 500;

  private final RedisPresenceSettings settings;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final MeterRegistry meters;
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Object connectLock = new Object();
  private volatile StatefulRedisConnection<String, String> connection;
  private CompletableFuture<StatefulRedisConnection<String, String>> connecting;
  private int failedAttempts;
  private volatile boolean closed;

  public RedisPresenceRegistry(RedisPresenceSettings settings, MeterRegistry meters) {
    this.settings = settings;
    this.meters = meters;
    this.uri = RedisURI.create(settings.url());
    // The URI timeout bounds the connection handshake; commands have their own, shorter timeout
    // (TimeoutOptions below), which also ends a synchronous caller's wait.
    uri.setTimeout(settings.connectTimeout());
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), settings.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(settings.requestQueueSize())
            .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(settings.connectTimeout())
                    .keepAlive(true)
                    .build())
            .build());
    synchronized (connectLock) {
      startConnecting();
    }
  }

  @Override
  public void connected(String userId, String sessionId, String node) {
    checkNode(node);
    run(
        "connected",
        redis ->
            eval(
                redis,
                RedisPresenceScripts.CONNECT,
                ScriptOutputType.INTEGER,
                keys(userKey(userId), nodeKey(node), onlineKey(), seenKey(userId)),
                sessionId + "@" + node,
                sessionId,
                userId,
                Long.toString(settings.ttl().toMillis()),
                Long.toString(settings.lastSeenRetention().toMillis())));
  }

  @Override
  public void disconnected(String userId, String sessionId, String node) {
    checkNode(node);
    run(
        "disconnected",
        redis ->
            eval(
                redis,
                RedisPresenceScripts.DISCONNECT,
                ScriptOutputType.INTEGER,
                keys(userKey(userId), nodeKey(node), onlineKey(), seenKey(userId)),
                sessionId + "@" + node,
                sessionId,
                userId,
                Long.toString(settings.lastSeenRetention().toMillis())));
  }

  @Override
  public int heartbeat(String node) {
    checkNode(node);
    return run(
        "heartbeat",
        redis -> {
          // Chunked so that a node with many sessions never holds Redis for long in one script.
          String cursor = "0";
          int refreshed = 0;
          do {
            List<Object> reply =
                eval(
                    redis,
                    RedisPresenceScripts.HEARTBEAT_CHUNK,
                    ScriptOutputType.MULTI,
                    keys(nodeKey(node), onlineKey()),
                    node,
                    Long.toString(settings.ttl().toMillis()),
                    Long.toString(settings.lastSeenRetention().toMillis()),
                    settings.keyPrefix(),
                    cursor,
                    Integer.toString(HEARTBEAT_CHUNK));
            cursor = String.valueOf(reply.get(0));
            refreshed += ((Number) reply.get(1)).intValue();
          } while (!"0".equals(cursor));
          return refreshed;
        });
  }

  @Override
  public Presence presence(String userId) {
    List<Object> reply =
        run(
            "presence",
            redis ->
                eval(
                    redis,
                    RedisPresenceScripts.PRESENCE,
                    ScriptOutputType.MULTI,
                    keys(userKey(userId), seenKey(userId))));
    String seen = String.valueOf(reply.get(0));
    Instant lastSeen = seen.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(seen));
    TreeSet<String> nodes = new TreeSet<>();
    for (Object member : reply.subList(1, reply.size())) {
      String m = String.valueOf(member);
      nodes.add(m.substring(m.lastIndexOf('@') + 1));
    }
    int connections = reply.size() - 1;
    return new Presence(userId, connections > 0, connections, List.copyOf(nodes), lastSeen);
  }

  @Override
  public long onlineUsers() {
    Long count =
        run(
            "online_users",
            redis ->
                eval(
                    redis,
                    RedisPresenceScripts.ONLINE_USERS,
                    ScriptOutputType.INTEGER,
                    keys(onlineKey())));
    return count;
  }

  @Override
  public Duration ttl() {
    return settings.ttl();
  }

  /** Whether the connection to Redis is up right now (for health checks; never blocks). */
  public boolean isConnected() {
    StatefulRedisConnection<String, String> c = connection;
    return c != null && c.isOpen();
  }

  @Override
  public void close() {
    closed = true;
    StatefulRedisConnection<String, String> c;
    synchronized (connectLock) {
      c = connection;
      if (connecting != null) {
        connecting.thenAccept(StatefulRedisConnection::closeAsync);
      }
    }
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private <T> T run(String op, Function<RedisCommands<String, String>, T> command) {
    try {
      return command.apply(commands());
    } catch (PresenceUnavailableException e) {
      failed(op);
      throw e;
    } catch (RedisException e) {
      failed(op);
      throw new PresenceUnavailableException("Redis presence " + op + " failed: " + reason(e), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T eval(
      RedisCommands<String, String> redis,
      RedisPresenceScripts.Script script,
      ScriptOutputType type,
      String[] keys,
      String... args) {
    try {
      return (T) redis.evalsha(script.sha(), type, keys, args);
    } catch (RedisNoScriptException e) {
      // Redis restarted (or SCRIPT FLUSH): EVAL sends the text once and caches it again.
      return (T) redis.eval(script.text(), type, keys, args);
    }
  }

  /** The live connection's commands, or a fast failure while there is none yet. */
  private RedisCommands<String, String> commands() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      return c.sync();
    }
    CompletableFuture<StatefulRedisConnection<String, String>> attempt;
    synchronized (connectLock) {
      if (connection != null) {
        return connection.sync();
      }
      if (closed) {
        throw new PresenceUnavailableException("presence registry is closed");
      }
      attempt = connecting;
    }
    if (attempt == null) {
      // Between two connect attempts (scheduled in the background): fail at once.
      throw new PresenceUnavailableException("Redis at " + redacted() + " is not reachable");
    }
    try {
      // Wait no longer than one command would: the caller was promised a fast answer.
      attempt.get(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new PresenceUnavailableException("Redis at " + redacted() + " is connecting", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PresenceUnavailableException("interrupted while connecting to Redis", e);
    } catch (ExecutionException e) {
      throw new PresenceUnavailableException(
          "cannot connect to Redis at " + redacted() + ": " + reason(e.getCause()), e.getCause());
    }
    StatefulRedisConnection<String, String> ready = connection;
    if (ready == null) {
      throw new PresenceUnavailableException("Redis at " + redacted() + " is connecting");
    }
    return ready.sync();
  }

  // Called holding connectLock.
  private void startConnecting() {
    CompletableFuture<StatefulRedisConnection<String, String>> attempt =
        client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    connecting = attempt;
    attempt.whenComplete(
        (conn, error) -> {
          synchronized (connectLock) {
            if (connecting == attempt) {
              connecting = null;
            }
            if (error != null) {
              // Lettuce reconnects only connections that once succeeded: retry the first one here.
              long delay = Math.min(100L << Math.min(failedAttempts++, 10), maxRetryMillis());
              if (failedAttempts == 1) {
                log.warn(
                    "Presence: cannot connect to Redis at {} ({}); presence answers 503 until it"
                        + " is reachable",
                    redacted(),
                    reason(error));
              }
              if (!closed) {
                try {
                  resources
                      .eventExecutorGroup()
                      .schedule(this::retryConnect, delay, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                  // closing: no more attempts
                }
              }
              return;
            }
            if (closed) {
              conn.closeAsync();
              return;
            }
            connection = conn;
            failedAttempts = 0;
            log.info("Presence: connected to Redis at {}", redacted());
          }
        });
  }

  private void retryConnect() {
    synchronized (connectLock) {
      if (!closed && connection == null && connecting == null) {
        startConnecting();
      }
    }
  }

  private long maxRetryMillis() {
    return Math.max(100, settings.maxReconnectDelay().toMillis());
  }

  private void failed(String op) {
    failures
        .computeIfAbsent(
            op,
            o ->
                Counter.builder("regen.presence.failures")
                    .description("Presence commands that failed or timed out")
                    .tag("operation", o)
                    .register(meters))
        .increment();
  }

  private String redacted() {
    return uri.getHost() + ":" + uri.getPort();
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " / " + root.getMessage();
  }

  private static void checkNode(String node) {
    if (node == null || node.isEmpty() || node.indexOf('@') >= 0) {
      throw new IllegalArgumentException("node id must be non-empty and without '@': " + node);
    }
  }

  private static String[] keys(String... keys) {
    return keys;
  }

  private String userKey(String userId) {
    return settings.keyPrefix() + "u:" + userId;
  }

  private String nodeKey(String node) {
    return settings.keyPrefix() + "n:" + node;
  }

  private String onlineKey() {
    return settings.keyPrefix() + "online";
  }

  private String seenKey(String userId) {
    return settings.keyPrefix() + "seen:" + userId;
  }
}
