package io.regen.realtime.streams;

import io.regen.realtime.schemas.kafka.Durability;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Builds the Kafka Streams Properties of one instance. */
public final class StreamsConfigFactory {
  /** Main consumer: a fetch returns once this much is there, or after the max wait. */
  static final int MAIN_FETCH_MIN_BYTES = 64 * 1024;

  static final int MAIN_FETCH_MAX_WAIT_MS = 50;

  /**
   * The EOS producer's batch size: a commit flushes ~one changelog record per active job (JobState
   * values of a few KB); in 16 KiB batches that took ~10 produce requests per 1,000 records.
   */
  static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  private StreamsConfigFactory() {}

  /** The Properties with the Kafka connection settings of the process environment. */
  public static Properties create(StreamsSettings s) {
    return create(s, KafkaClientConfigs.fromEnvironment(s.bootstrapServers()));
  }

  /** The Properties on top of {@code clients}' connection settings (servers, security). */
  public static Properties create(StreamsSettings s, KafkaClientConfigs clients) {
    Properties p = clients.streams();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.numStandbyReplicas());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) s.replicationFactor());
    // Changelogs and repartition topics as durable as the platform's own topics.
    p.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(Durability.minInsyncReplicas(s.replicationFactor())));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.numStreamThreads());
    p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
    if (s.applicationServer() != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, s.applicationServer());
    }
    // Static membership: Streams appends "-<thread index>" per stream thread. A restarted instance
    // takes its partitions back at once instead of waiting for its old member to time out.
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
        s.applicationId() + "-" + s.instanceId());
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) s.sessionTimeout().toMillis());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        RegistryAwareDeserializationHandler.class);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
    p.put(BoundedMemoryRocksDbConfig.BLOCK_CACHE_BYTES, s.rocksDbBlockCacheBytes());
    p.put(BoundedMemoryRocksDbConfig.WRITE_BUFFER_BYTES, s.rocksDbWriteBufferBytes());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // State is read through the record cache, so it is fresh as soon as a record is processed;
    // nothing waits on Streams by the millisecond. Fetching in batches of up to MAIN_FETCH_MAX_WAIT
    // instead of one fetch per record spares the broker most of its fetch requests (issue 9).
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG),
        MAIN_FETCH_MIN_BYTES);
    p.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
        MAIN_FETCH_MAX_WAIT_MS);
    // What a commit flushes goes out in a few large requests rather than ~150 small ones a second
    // under S1 (issue 9: Streams' produce requests 143 -> 14 /s). Visibility is unchanged: EOS
    // output is read at the commit, which flushes the producer anyway.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    p.putAll(s.extra());
    return p;
  }
}
