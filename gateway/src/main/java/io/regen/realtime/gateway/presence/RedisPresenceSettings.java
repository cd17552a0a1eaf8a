package io.regen.realtime.gateway.presence;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RedisPresenceRegistry} talks to Redis. Defaults fail fast: a command that has no
 * answer after {@code commandTimeout} fails, commands are rejected (not queued) while disconnected,
 * and at most {@code requestQueueSize} commands are in flight.
 *
 * @param url a Redis URI, e.g. {@code redis://localhost:6379/0}
 * @param ttl how long a session lives without a heartbeat of its node
 * @param commandTimeout how long a caller waits for one Redis command (default 250 ms)
 * @param connectTimeout TCP connect timeout of one (re)connect attempt
 * @param maxReconnectDelay upper bound of the exponential back-off between reconnect attempts
 * @param requestQueueSize bound on commands in flight or queued per connection
 * @param keyPrefix prefix of every key, so several deployments (or tests) can share one Redis
 * @param lastSeenRetention how long a user's last-seen time is kept after they go offline
 */
public record RedisPresenceSettings(
    String url,
    Duration ttl,
    Duration commandTimeout,
    Duration connectTimeout,
    Duration maxReconnectDelay,
    int requestQueueSize,
    String keyPrefix,
    Duration lastSeenRetention) {
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 1_000;
  public static final String DEFAULT_KEY_PREFIX = "regen:presence:";
  public static final Duration DEFAULT_LAST_SEEN_RETENTION = Duration.ofDays(30);

  public RedisPresenceSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ttl, "ttl");
    commandTimeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    maxReconnectDelay = maxReconnectDelay == null ? DEFAULT_MAX_RECONNECT_DELAY : maxReconnectDelay;
    requestQueueSize = requestQueueSize <= 0 ? DEFAULT_REQUEST_QUEUE_SIZE : requestQueueSize;
    keyPrefix = keyPrefix == null || keyPrefix.isEmpty() ? DEFAULT_KEY_PREFIX : keyPrefix;
    lastSeenRetention = lastSeenRetention == null ? DEFAULT_LAST_SEEN_RETENTION : lastSeenRetention;
    if (ttl.toMillis() <= 0) {
      throw new IllegalArgumentException("presence ttl must be positive, got " + ttl);
    }
    if (commandTimeout.toMillis() <= 0 || commandTimeout.toMillis() >= 500) {
      throw new IllegalArgumentException(
          "presence command timeout must be between 1 ms and 499 ms, got " + commandTimeout);
    }
  }

  /** Settings with every default but the URL and the ttl. */
  public static RedisPresenceSettings of(String url, Duration ttl) {
    return new RedisPresenceSettings(url, ttl, null, null, null, 0, null, null);
  }

  public RedisPresenceSettings withKeyPrefix(String prefix) {
    return new RedisPresenceSettings(
        url,
        ttl,
        commandTimeout,
        connectTimeout,
        maxReconnectDelay,
        requestQueueSize,
        prefix,
        lastSeenRetention);
  }

  public RedisPresenceSettings withRequestQueueSize(int size) {
    return new RedisPresenceSettings(
        url,
        ttl,
        commandTimeout,
        connectTimeout,
        maxReconnectDelay,
        size,
        keyPrefix,
        lastSeenRetention);
  }
}
