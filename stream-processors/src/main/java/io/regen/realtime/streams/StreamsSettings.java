package io.regen.realtime.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How one Kafka Streams instance runs; {@link StreamsConfigFactory} turns it into Properties.
 *
 * @param applicationId Streams application id (consumer group, prefix of internal topics)
 * @param bootstrapServers Kafka bootstrap servers
 * @param instanceId stable id of this instance (e.g. {@code regen.node-id}); becomes the static
 *     {@code group.instance.id}, so a restart rejoins without a rebalance (and without the 45 s
 *     wait of a dynamic member that did not leave)
 * @param applicationServer {@code host:port} this instance's query API is reachable at, or null
 * @param stateDir directory of the RocksDB stores
 * @param numStandbyReplicas standby replicas per stateful task (1 when several instances run)
 * @param replicationFactor of internal topics (changelogs, repartition topics)
 * @param numStreamThreads stream threads of this instance
 * @param sessionTimeout consumer session timeout: with static membership, how long a crashed
 *     instance's partitions wait before they move to another instance
 * @param commitInterval commit (= transaction) interval under exactly-once
 * @param rocksDbBlockCacheBytes the one LRU block cache shared by every RocksDB store in the JVM
 *     (memtables are charged to it too)
 * @param rocksDbWriteBufferBytes the write buffer manager's limit (part of the cache)
 * @param extra further Streams/client properties, applied last
 */
public record StreamsSettings(
    String applicationId,
    String bootstrapServers,
    String instanceId,
    String applicationServer,
    Path stateDir,
    int numStandbyReplicas,
    short replicationFactor,
    int numStreamThreads,
    Duration sessionTimeout,
    Duration commitInterval,
    long rocksDbBlockCacheBytes,
    long rocksDbWriteBufferBytes,
    Map<String, Object> extra) {

  /**
   * "-v2" since job state moved to the userId-keyed partitions: the stores of "regen-streams" are
   * partitioned by jobId, so a new application id rebuilds every store from the input topics
   * instead of restoring changelogs laid out for the old topology.
   */
  public static final String DEFAULT_APPLICATION_ID = "regen-streams-v2";

  /**
   * Commit (= exactly-once transaction) interval. Queries read through the record cache, so state
   * is visible as soon as a record is processed, not at the commit; what waits for the commit is
   * only what reads Streams' output topics read_committed (the requests' repartition, dead
   * letters). 1 s instead of Streams' 100 ms: a tenth of the transactions and their markers, and
   * the cache collapses a job's updates within the second into one changelog and RocksDB write
   * (issue 9, docs/performance.md).
   */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

  public StreamsSettings {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(commitInterval, "commitInterval");
    extra = extra == null ? Map.of() : Map.copyOf(extra);
    if (numStandbyReplicas < 0 || replicationFactor < 1 || numStreamThreads < 1) {
      throw new IllegalArgumentException(
          "numStandbyReplicas >= 0, replicationFactor >= 1 and numStreamThreads >= 1 required");
    }
    if (rocksDbWriteBufferBytes <= 0 || rocksDbBlockCacheBytes < rocksDbWriteBufferBytes) {
      throw new IllegalArgumentException(
          "RocksDB write buffer must be > 0 and fit in the block cache");
    }
    if (applicationServer != null && !applicationServer.matches("[^:\\s]+:\\d{1,5}")) {
      throw new IllegalArgumentException(
          "applicationServer must be host:port: " + applicationServer);
    }
  }

  /**
   * Defaults for a single instance: no standbys, replication 1, one thread, 10 s session timeout,
   * {@link #DEFAULT_COMMIT_INTERVAL} commits, 64 MiB RocksDB cache with 16 MiB of write buffers.
   */
  public static StreamsSettings defaults(
      String bootstrapServers, String instanceId, Path stateDir) {
    return new StreamsSettings(
        DEFAULT_APPLICATION_ID,
        bootstrapServers,
        instanceId,
        null,
        stateDir,
        0,
        (short) 1,
        1,
        Duration.ofSeconds(10),
        DEFAULT_COMMIT_INTERVAL,
        64L << 20,
        16L << 20,
        Map.of());
  }

  public StreamsSettings withApplicationId(String id) {
    return new StreamsSettings(
        id,
        bootstrapServers,
        instanceId,
        applicationServer,
        stateDir,
        numStandbyReplicas,
        replicationFactor,
        numStreamThreads,
        sessionTimeout,
        commitInterval,
        rocksDbBlockCacheBytes,
        rocksDbWriteBufferBytes,
        extra);
  }

  public StreamsSettings withApplicationServer(String hostPort) {
    return new StreamsSettings(
        applicationId,
        bootstrapServers,
        instanceId,
        hostPort,
        stateDir,
        numStandbyReplicas,
        replicationFactor,
        numStreamThreads,
        sessionTimeout,
        commitInterval,
        rocksDbBlockCacheBytes,
        rocksDbWriteBufferBytes,
        extra);
  }

  public StreamsSettings withStandbys(int standbys) {
    return new StreamsSettings(
        applicationId,
        bootstrapServers,
        instanceId,
        applicationServer,
        stateDir,
        standbys,
        replicationFactor,
        numStreamThreads,
        sessionTimeout,
        commitInterval,
        rocksDbBlockCacheBytes,
        rocksDbWriteBufferBytes,
        extra);
  }

  public StreamsSettings withReplicationFactor(short factor) {
    return new StreamsSettings(
        applicationId,
        bootstrapServers,
        instanceId,
        applicationServer,
        stateDir,
        numStandbyReplicas,
        factor,
        numStreamThreads,
        sessionTimeout,
        commitInterval,
        rocksDbBlockCacheBytes,
        rocksDbWriteBufferBytes,
        extra);
  }

  public StreamsSettings withExtra(Map<String, Object> properties) {
    return new StreamsSettings(
        applicationId,
        bootstrapServers,
        instanceId,
        applicationServer,
        stateDir,
        numStandbyReplicas,
        replicationFactor,
        numStreamThreads,
        sessionTimeout,
        commitInterval,
        rocksDbBlockCacheBytes,
        rocksDbWriteBufferBytes,
        properties);
  }
}
