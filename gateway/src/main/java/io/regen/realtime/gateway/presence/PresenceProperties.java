package io.regen.realtime.gateway.presence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Presence settings ({@code regen.presence.*}); the store is chosen by {@code regen.redis.url} (env
 * {@code REDIS_URL}): Redis when set, in memory otherwise. Zero or absent values take the defaults.
 *
 * @param ttl how long a session lives without a heartbeat of its node (default 30 s)
 * @param heartbeatInterval how often this node refreshes its sessions (default 10 s; below ttl)
 * @param commandTimeout how long one Redis command may take before presence fails (default 250 ms)
 * @param connectTimeout TCP connect timeout of a Redis (re)connect (default 1 s)
 * @param maxReconnectDelay longest pause between Redis reconnect attempts (default 2 s)
 * @param requestQueueSize Redis commands in flight per connection (default 1000)
 * @param keyPrefix prefix of every Redis key (default {@code regen:presence:})
 * @param lastSeenRetention how long last-seen is kept for offline users (default 30 days)
 * @param maxPendingChanges session changes kept while the store is unreachable (default 100000)
 * @param retryAfter the {@code Retry-After} of a 503 {@code presence_unavailable} (default 2 s)
 */
@ConfigurationProperties("regen.presence")
public record PresenceProperties(
    Duration ttl,
    Duration heartbeatInterval,
    Duration commandTimeout,
    Duration connectTimeout,
    Duration maxReconnectDelay,
    int requestQueueSize,
    String keyPrefix,
    Duration lastSeenRetention,
    int maxPendingChanges,
    Duration retryAfter) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);

  public PresenceProperties {
    ttl = positive(ttl) ? ttl : DEFAULT_TTL;
    heartbeatInterval = positive(heartbeatInterval) ? heartbeatInterval : DEFAULT_HEARTBEAT;
    if (heartbeatInterval.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "regen.presence.heartbeat-interval ("
              + heartbeatInterval
              + ") must be shorter than regen.presence.ttl ("
              + ttl
              + ")");
    }
    commandTimeout =
        positive(commandTimeout) ? commandTimeout : RedisPresenceSettings.DEFAULT_COMMAND_TIMEOUT;
    connectTimeout =
        positive(connectTimeout) ? connectTimeout : RedisPresenceSettings.DEFAULT_CONNECT_TIMEOUT;
    maxReconnectDelay =
        positive(maxReconnectDelay)
            ? maxReconnectDelay
            : RedisPresenceSettings.DEFAULT_MAX_RECONNECT_DELAY;
    requestQueueSize =
        requestQueueSize > 0 ? requestQueueSize : RedisPresenceSettings.DEFAULT_REQUEST_QUEUE_SIZE;
    keyPrefix =
        keyPrefix == null || keyPrefix.isEmpty()
            ? RedisPresenceSettings.DEFAULT_KEY_PREFIX
            : keyPrefix;
    lastSeenRetention =
        positive(lastSeenRetention)
            ? lastSeenRetention
            : RedisPresenceSettings.DEFAULT_LAST_SEEN_RETENTION;
    maxPendingChanges =
        maxPendingChanges > 0 ? maxPendingChanges : PresenceRecorder.DEFAULT_MAX_PENDING;
    retryAfter = positive(retryAfter) ? retryAfter : DEFAULT_RETRY_AFTER;
  }

  /** Every default. */
  public static PresenceProperties defaults() {
    return new PresenceProperties(null, null, null, null, null, 0, null, null, 0, null);
  }

  /** The Redis settings for {@code url}. */
  public RedisPresenceSettings redis(String url) {
    return new RedisPresenceSettings(
        url,
        ttl,
        commandTimeout,
        connectTimeout,
        maxReconnectDelay,
        requestQueueSize,
        keyPrefix,
        lastSeenRetention);
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }
}
