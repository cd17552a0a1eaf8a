package io.regen.realtime.gateway;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the WebSocket gateway ({@code regen.gateway.*}). Every value has a default; zero or
 * absent means "use the default".
 *
 * @param enabled turns the gateway on (the auto-configuration is inert otherwise)
 * @param path the WebSocket endpoint
 * @param allowedOrigins browser origins allowed to open a WebSocket; absent: {@code
 *     FRONTEND_ORIGIN} (comma-separated) or the local demo origins. Requests without an Origin are
 *     always allowed.
 * @param authTimeout how long a new connection may wait before its {@code auth} frame (close 4001)
 * @param heartbeat interval of server WebSocket pings (also the welcome's {@code heartbeatMs})
 * @param pongTimeout a connection with a ping unanswered this long is closed
 * @param idleTimeout Jetty's idle timeout for a WebSocket (no traffic at all in either direction)
 * @param tokenExpiringLead how long before {@code exp} the {@code token_expiring} frame is sent
 * @param sweepInterval how often timers (auth timeout, heartbeats, token expiry) are checked
 * @param maxTextMessageBytes largest client text message; bigger closes with 1009
 * @param inputBufferBytes Jetty's per-connection read buffer
 * @param outputBufferBytes Jetty's per-connection write buffer
 * @param outboundQueueFrames bound of a session's outbound buffer in frames
 * @param outboundQueueBytes bound of a session's outbound buffer in bytes (chars)
 * @param writerThreads threads that start socket writes (writes themselves are asynchronous)
 * @param framesPerSecond sustained client frame rate per connection (token bucket refill)
 * @param frameBurst token bucket capacity per connection
 * @param maxRejectedFrames rate-limited frames in a row that close the connection with 4008
 * @param maxInvalidFrames invalid frames in a row that close the connection with 4008
 * @param startJobsPerMinute job starts per user per minute (WebSocket and REST together)
 * @param maxConnectionsPerUser open authenticated connections per user (more: close 4008)
 * @param maxConnectionsPerIp open connections per client address (more: handshake refused 429)
 * @param maxInputBytes bound of a start_job {@code input} (keys and values, UTF-8)
 * @param maxInputEntries bound of the number of {@code input} entries
 * @param idempotencyCacheSize recent job starts remembered for idempotency on this node
 * @param ownedJobsCacheSize jobs this node's job directory remembers: those started through it
 *     (owner, for cancel) and the first event of those it delivered live (position, for replay)
 * @param stateUrl base URL of the job state query API (the job directory: cancel ownership, replay
 *     positions); absent: this server
 * @param stateTimeout timeout of a job state lookup
 */
@ConfigurationProperties("regen.gateway")
public record GatewayProperties(
    boolean enabled,
    String path,
    List<String> allowedOrigins,
    Duration authTimeout,
    Duration heartbeat,
    Duration pongTimeout,
    Duration idleTimeout,
    Duration tokenExpiringLead,
    Duration sweepInterval,
    int maxTextMessageBytes,
    int inputBufferBytes,
    int outputBufferBytes,
    int outboundQueueFrames,
    int outboundQueueBytes,
    int writerThreads,
    double framesPerSecond,
    int frameBurst,
    int maxRejectedFrames,
    int maxInvalidFrames,
    int startJobsPerMinute,
    int maxConnectionsPerUser,
    int maxConnectionsPerIp,
    int maxInputBytes,
    int maxInputEntries,
    int idempotencyCacheSize,
    int ownedJobsCacheSize,
    String stateUrl,
    Duration stateTimeout) {

  /** The local demo front-ends, used when neither the property nor FRONTEND_ORIGIN is set. */
  public static final List<String> DEFAULT_ORIGINS =
      List.of("http://localhost:3000", "http://localhost:5173", "http://localhost:8080");

  public GatewayProperties {
    path = path == null || path.isBlank() ? "/ws" : path;
    allowedOrigins = allowedOrigins == null ? null : List.copyOf(allowedOrigins);
    authTimeout = orDefault(authTimeout, Duration.ofSeconds(5));
    heartbeat = orDefault(heartbeat, Duration.ofSeconds(25));
    pongTimeout = orDefault(pongTimeout, Duration.ofSeconds(20));
    idleTimeout = orDefault(idleTimeout, heartbeat.multipliedBy(3));
    tokenExpiringLead = orDefault(tokenExpiringLead, Duration.ofSeconds(60));
    sweepInterval = orDefault(sweepInterval, Duration.ofSeconds(1));
    maxTextMessageBytes = orDefault(maxTextMessageBytes, 64 * 1024);
    inputBufferBytes = orDefault(inputBufferBytes, 4096);
    outputBufferBytes = orDefault(outputBufferBytes, 4096);
    outboundQueueFrames = orDefault(outboundQueueFrames, 1024);
    outboundQueueBytes = orDefault(outboundQueueBytes, 1024 * 1024);
    writerThreads = orDefault(writerThreads, 2);
    framesPerSecond = framesPerSecond <= 0 ? 20 : framesPerSecond;
    frameBurst = orDefault(frameBurst, 40);
    maxRejectedFrames = orDefault(maxRejectedFrames, 20);
    maxInvalidFrames = orDefault(maxInvalidFrames, 20);
    startJobsPerMinute = orDefault(startJobsPerMinute, 30);
    maxConnectionsPerUser = orDefault(maxConnectionsPerUser, 20);
    maxConnectionsPerIp = orDefault(maxConnectionsPerIp, 1000);
    maxInputBytes = orDefault(maxInputBytes, 16 * 1024);
    maxInputEntries = orDefault(maxInputEntries, 64);
    idempotencyCacheSize = orDefault(idempotencyCacheSize, 10_000);
    ownedJobsCacheSize = orDefault(ownedJobsCacheSize, 100_000);
    stateUrl = stateUrl == null || stateUrl.isBlank() ? null : stateUrl;
    stateTimeout = orDefault(stateTimeout, Duration.ofSeconds(3));
  }

  /** Defaults everywhere, gateway disabled; for tests and programmatic use. */
  public static GatewayProperties defaults() {
    return new GatewayProperties(
        false, null, null, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, null, null);
  }

  private static Duration orDefault(Duration value, Duration fallback) {
    return value == null || value.isZero() || value.isNegative() ? fallback : value;
  }

  private static int orDefault(int value, int fallback) {
    return value <= 0 ? fallback : value;
  }
}
