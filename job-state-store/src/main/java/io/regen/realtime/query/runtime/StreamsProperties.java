package io.regen.realtime.query.runtime;

import io.regen.realtime.streams.StreamsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code regen.streams.*}: how this instance runs the processors and serves queries. Every field is
 * optional; see the defaults in the compact constructor. Kafka comes from {@code
 * regen.kafka.bootstrap-servers}, the instance id falls back to {@code regen.node-id}.
 *
 * @param enabled run Kafka Streams and the query API in this application
 * @param applicationId Streams application id (consumer group, internal topic prefix)
 * @param instanceId stable id of this instance: static group membership; must differ per instance
 * @param stateDir RocksDB directory (default {@code
 *     <tmp>/regen-streams/<applicationId>/<instanceId>})
 * @param advertisedHost host other instances reach this one at (default localhost)
 * @param applicationServer {@code host:port} advertised to other instances; default {@code
 *     advertisedHost:<the HTTP port this application serves on>}
 * @param standbys {@code num.standby.replicas} (set 1 when several instances run)
 * @param replicationFactor of the internal topics
 * @param threads stream threads
 * @param sessionTimeout how long a crashed instance's partitions wait before moving
 * @param commitInterval commit (= EOS transaction) interval
 * @param rocksdbBlockCacheBytes the RocksDB cache shared by all stores (memtables included)
 * @param rocksdbWriteBufferBytes the memtable budget inside that cache
 * @param grace how late an analytics record may be and still count
 * @param queryTimeout timeout of a call to another instance
 * @param connectTimeout TCP connect timeout to another instance
 * @param minPositionWait how long a read-your-writes read waits for its position
 * @param maxRangeDays longest analytics date range accepted
 * @param maxPageSize largest page of a job listing
 * @param metricsRefresh how often the store-derived metrics are re-read
 * @param extra further Streams/client properties, applied last
 * @param internalAddress bind address of the instance-to-instance listener (default {@code
 *     127.0.0.1}; {@code 0.0.0.0} when instances run on several hosts)
 * @param internalPort its port (default 0: any free port; it is advertised as {@code
 *     application.server} either way)
 * @param internalSecret the service credential instances present to each other (at least 32
 *     characters); default: derived from the HS256 JWT secret, or random per process with a
 *     public-key JWT setup (then set it for more than one instance)
 * @param maxRangeEntries most entries one range read may return per partition
 */
@ConfigurationProperties("regen.streams")
public record StreamsProperties(
    boolean enabled,
    String applicationId,
    String instanceId,
    Path stateDir,
    String advertisedHost,
    String applicationServer,
    Integer standbys,
    Integer replicationFactor,
    Integer threads,
    Duration sessionTimeout,
    Duration commitInterval,
    Long rocksdbBlockCacheBytes,
    Long rocksdbWriteBufferBytes,
    Duration grace,
    Duration queryTimeout,
    Duration connectTimeout,
    Duration minPositionWait,
    Integer maxRangeDays,
    Integer maxPageSize,
    Duration metricsRefresh,
    Map<String, String> extra,
    String internalAddress,
    Integer internalPort,
    String internalSecret,
    Integer maxRangeEntries) {

  /** Default of {@link #maxRangeEntries}: far above any analytics range of a year. */
  public static final int DEFAULT_MAX_RANGE_ENTRIES = 100_000;

  public StreamsProperties {
    applicationId = blank(applicationId) ? StreamsSettings.DEFAULT_APPLICATION_ID : applicationId;
    advertisedHost = blank(advertisedHost) ? "localhost" : advertisedHost;
    applicationServer = blank(applicationServer) ? null : applicationServer;
    standbys = standbys == null ? 0 : standbys;
    replicationFactor = replicationFactor == null ? 1 : replicationFactor;
    threads = threads == null ? 1 : threads;
    sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
    commitInterval =
        commitInterval == null ? StreamsSettings.DEFAULT_COMMIT_INTERVAL : commitInterval;
    rocksdbBlockCacheBytes = rocksdbBlockCacheBytes == null ? 64L << 20 : rocksdbBlockCacheBytes;
    rocksdbWriteBufferBytes = rocksdbWriteBufferBytes == null ? 16L << 20 : rocksdbWriteBufferBytes;
    grace = grace == null ? Duration.ofMinutes(30) : grace;
    queryTimeout = queryTimeout == null ? Duration.ofSeconds(2) : queryTimeout;
    connectTimeout = connectTimeout == null ? Duration.ofMillis(500) : connectTimeout;
    minPositionWait = minPositionWait == null ? Duration.ofSeconds(2) : minPositionWait;
    maxRangeDays = maxRangeDays == null ? 366 : maxRangeDays;
    maxPageSize = maxPageSize == null ? 100 : maxPageSize;
    metricsRefresh = metricsRefresh == null ? Duration.ofSeconds(10) : metricsRefresh;
    extra = extra == null ? Map.of() : Map.copyOf(extra);
    internalAddress = blank(internalAddress) ? "127.0.0.1" : internalAddress;
    internalPort = internalPort == null || internalPort < 0 ? 0 : internalPort;
    internalSecret = blank(internalSecret) ? null : internalSecret;
    maxRangeEntries =
        maxRangeEntries == null || maxRangeEntries < 1
            ? DEFAULT_MAX_RANGE_ENTRIES
            : maxRangeEntries;
  }

  /** Properties with every default (for tests and tools). */
  public static StreamsProperties defaults() {
    return new StreamsProperties(
        true, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null);
  }

  /** The processors' settings for this instance. */
  public StreamsSettings toSettings(
      String bootstrapServers, String resolvedInstanceId, String resolvedApplicationServer) {
    Path dir =
        stateDir != null
            ? stateDir
            : Path.of(
                System.getProperty("java.io.tmpdir"),
                "regen-streams",
                applicationId,
                resolvedInstanceId);
    return new StreamsSettings(
        applicationId,
        bootstrapServers,
        resolvedInstanceId,
        resolvedApplicationServer,
        dir,
        standbys,
        (short) (int) replicationFactor,
        threads,
        sessionTimeout,
        commitInterval,
        rocksdbBlockCacheBytes,
        rocksdbWriteBufferBytes,
        Map.copyOf(extra));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
