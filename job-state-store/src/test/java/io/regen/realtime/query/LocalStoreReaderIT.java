package io.regen.realtime.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.query.QueryUnavailableException.Reason;
import io.regen.realtime.query.internal.IqV1LocalStoreReader;
import io.regen.realtime.query.internal.LocalStoreReader;
import io.regen.realtime.streams.ResponseChunkKey;
import io.regen.realtime.streams.StoreDef;
import io.regen.realtime.streams.Stores;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link LocalStoreReader} against a real broker and Kafka Streams: reads racing the
 * stream thread's puts on the same RocksDB store (the IQv2 reader deadlocked there, KAFKA-19629),
 * and the answers for a partition that is not hosted, only a standby, or a Streams that is not
 * running.
 *
 * <p>The topology writes the real chunk store ({@link Stores#JOB_RESPONSE_CHUNKS}, no record cache,
 * as in production) and, for {@code scanActive}, a String-keyed store of the catalogue ({@link
 * Stores#LATE_JOB_RECORDS}, here: the last chunk number per job).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalStoreReaderIT {
  /** This test's own input: key job id, value chunk number; partitioned by the producer. */
  private static final String CHUNK_WRITES = "local-store-reader-it-chunk-writes";

  private static final StoreDef<ResponseChunkKey, String> CHUNKS = Stores.JOB_RESPONSE_CHUNKS;
  private static final StoreDef<String, Long> LAST_CHUNK = Stores.LATE_JOB_RECORDS;
  private static final int PARTITIONS = 2;
  private static final int READERS = 4;

  @TempDir Path stateDir;

  @Test
  void streamThreadKeepsWritingWhileReadersRangeAndGetTheSamePartitions() throws Exception {
    int chunksPerJob = 10_000;
    try (TestKafka kafka = new TestKafka(1, PARTITIONS)) {
      createInput(kafka);
      AtomicLong processed = new AtomicLong();
      KafkaStreams streams = streams(kafka, "reader-race-" + run(), stateDir, 0, processed);
      LocalStoreReader reader = new IqV1LocalStoreReader(() -> streams);
      try {
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> runningWithTasks(streams, PARTITIONS));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Map<Integer, AtomicLong> reads = new ConcurrentHashMap<>();
        AtomicLong unavailable = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(READERS);
        for (int r = 0; r < READERS; r++) {
          int partition = r % PARTITIONS;
          AtomicLong count = reads.computeIfAbsent(r, k -> new AtomicLong());
          // Daemon: with a deadlocked reader the JVM still ends and the test fails on its waits.
          Thread t =
              new Thread(
                  () -> {
                    try {
                      while (!stop.get()) {
                        try {
                          readOnce(reader, partition);
                          count.incrementAndGet();
                        } catch (QueryUnavailableException e) {
                          // A rebalance of a loaded machine: not what this test is about.
                          unavailable.incrementAndGet();
                        }
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    } finally {
                      finished.countDown();
                    }
                  },
                  "store-reader-" + r);
          t.setDaemon(true);
          t.start();
        }
        // The readers are reading before the first put, and keep reading during all of them.
        await().atMost(Duration.ofSeconds(10)).until(() -> allRead(reads));
        produce(kafka, chunksPerJob);

        long total = (long) PARTITIONS * chunksPerJob;
        // Ends early on a deadlock, which the JVM sees: the failure then names the monitors.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> failure.get() != null || processed.get() == total || !deadlocked().isEmpty());
        assertThat(deadlocked()).as("threads deadlocked on monitors").isEmpty();
        assertThat(processed).as("records the stream thread processed").hasValue(total);
        assertThat(failure.get()).as("a reader failed").isNull();
        long lastChunk = chunksPerJob - 1;
        for (int p = 0; p < PARTITIONS; p++) {
          assertThat(reader.get(LAST_CHUNK, job(p), p, true)).contains(lastChunk);
          assertThat(reader.get(CHUNKS, new ResponseChunkKey(job(p), 1, lastChunk), p, true))
              .contains(chunk(lastChunk));
        }
        stop.set(true);
        assertThat(finished.await(30, TimeUnit.SECONDS)).as("all readers finished").isTrue();
        assertThat(failure.get()).as("a reader failed").isNull();
        assertThat(reads.values()).allSatisfy(c -> assertThat(c.get()).isPositive());
        for (int p = 0; p < PARTITIONS; p++) {
          assertThat(reader.rangeValues(CHUNKS, first(p), last(p), p, true))
              .containsExactlyElementsOf(
                  LongStream.range(0, chunksPerJob).mapToObj(LocalStoreReaderIT::chunk).toList());
        }
      } finally {
        streams.close(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void answersPerPartitionNotHostedStandbyAndNotRunning() throws Exception {
    try (TestKafka kafka = new TestKafka(1, PARTITIONS)) {
      createInput(kafka);
      String appId = "reader-answers-" + run();
      KafkaStreams one = streams(kafka, appId, stateDir.resolve("one"), 1, new AtomicLong());
      KafkaStreams two = streams(kafka, appId, stateDir.resolve("two"), 1, new AtomicLong());
      LocalStoreReader readerOne = new IqV1LocalStoreReader(() -> one);
      try {
        assertUnavailable(() -> readerOne.get(LAST_CHUNK, job(0), 0, true), Reason.NOT_RUNNING);
        assertUnavailable(
            () -> readerOne.scanActive(LAST_CHUNK, "", "\uffff", (p, k, v) -> true),
            Reason.NOT_RUNNING);
        assertUnavailable(
            () -> new IqV1LocalStoreReader(() -> null).get(LAST_CHUNK, job(0), 0, true),
            Reason.NOT_RUNNING);
        one.start();
        two.start();
        // Each partition active on one instance, its standby on the other.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    one.state() == KafkaStreams.State.RUNNING
                        && two.state() == KafkaStreams.State.RUNNING
                        && partitions(one, true).size() == 1
                        && partitions(two, true).size() == 1
                        && partitions(one, false).equals(partitions(two, true))
                        && partitions(two, false).equals(partitions(one, true)));
        int activeOnOne = partitions(one, true).iterator().next();
        int standbyOnOne = partitions(one, false).iterator().next();
        produce(kafka, 3);

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(readerOne.get(LAST_CHUNK, job(activeOnOne), activeOnOne, true))
                      .contains(2L);
                  assertThat(
                          readerOne.rangeValues(
                              CHUNKS, first(activeOnOne), last(activeOnOne), activeOnOne, true))
                      .containsExactly(chunk(0), chunk(1), chunk(2));
                });
        assertThat(readerOne.get(LAST_CHUNK, "no-such-job", activeOnOne, true)).isEmpty();
        // Only a standby copy here: refused for an active read, served when stale is allowed.
        assertUnavailable(
            () -> readerOne.get(LAST_CHUNK, job(standbyOnOne), standbyOnOne, true),
            Reason.STORE_NOT_READY);
        assertUnavailable(
            () ->
                readerOne.rangeValues(
                    CHUNKS, first(standbyOnOne), last(standbyOnOne), standbyOnOne, true),
            Reason.STORE_NOT_READY);
        // The standby applies both changelogs at its own pace (and may still be initialising):
        // wait for each value asserted.
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptionsInstanceOf(QueryUnavailableException.class)
            .untilAsserted(
                () -> {
                  assertThat(readerOne.get(LAST_CHUNK, job(standbyOnOne), standbyOnOne, false))
                      .contains(2L);
                  assertThat(
                          readerOne.rangeValues(
                              CHUNKS, first(standbyOnOne), last(standbyOnOne), standbyOnOne, false))
                      .containsExactly(chunk(0), chunk(1), chunk(2));
                });
        // A partition that does not exist here at all.
        assertUnavailable(
            () -> readerOne.get(LAST_CHUNK, job(0), PARTITIONS + 3, false), Reason.STORE_NOT_READY);
        // scanActive: the active partition only, every entry of it.
        Map<Integer, List<String>> scanned = new HashMap<>();
        Set<Integer> complete =
            readerOne.scanActive(
                LAST_CHUNK,
                "",
                "\uffff",
                (p, k, v) -> scanned.computeIfAbsent(p, x -> new ArrayList<>()).add(k + "=" + v));
        assertThat(complete).containsExactly(activeOnOne);
        assertThat(scanned).isEqualTo(Map.of(activeOnOne, List.of(job(activeOnOne) + "=2")));
        assertThat(readerOne.lag(LAST_CHUNK, activeOnOne)).isZero();
        assertThat(readerOne.lag(LAST_CHUNK, PARTITIONS + 3)).isEqualTo(-1);

        one.close(Duration.ofSeconds(30));
        assertUnavailable(() -> readerOne.get(LAST_CHUNK, job(0), 0, false), Reason.NOT_RUNNING);
        assertUnavailable(
            () -> readerOne.scanActive(LAST_CHUNK, "", "\uffff", (p, k, v) -> true),
            Reason.NOT_RUNNING);
      } finally {
        one.close(Duration.ofSeconds(30));
        two.close(Duration.ofSeconds(30));
      }
    }
  }

  /** One range and one get of the partition's job, as the job-state lookups do. */
  private static void readOnce(LocalStoreReader reader, int partition) {
    reader.rangeValues(CHUNKS, first(partition), last(partition), partition, true);
    reader.get(CHUNKS, first(partition), partition, true);
    reader.get(LAST_CHUNK, job(partition), partition, true);
  }

  /** The JVM's monitor deadlocks, one line per thread, with the lock it waits for. */
  private static List<String> deadlocked() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] ids = threads.findDeadlockedThreads();
    if (ids == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(ids)) {
      if (info != null) {
        lines.add(
            info.getThreadName()
                + " waits for "
                + info.getLockName()
                + " held by "
                + info.getLockOwnerName());
      }
    }
    return lines;
  }

  private static boolean allRead(Map<Integer, AtomicLong> reads) {
    return reads.size() == READERS && reads.values().stream().allMatch(c -> c.get() > 0);
  }

  private static void assertUnavailable(Runnable read, Reason reason) {
    assertThatThrownBy(read::run)
        .isInstanceOfSatisfying(
            QueryUnavailableException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static Set<Integer> partitions(KafkaStreams streams, boolean active) {
    Set<Integer> partitions = new TreeSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : active ? thread.activeTasks() : thread.standbyTasks()) {
        partitions.add(task.taskId().partition());
      }
    }
    return partitions;
  }

  private static boolean runningWithTasks(KafkaStreams streams, int tasks) {
    return streams.state() == KafkaStreams.State.RUNNING
        && partitions(streams, true).size() == tasks;
  }

  private static String job(int partition) {
    return "job-p" + partition;
  }

  private static ResponseChunkKey first(int partition) {
    return ResponseChunkKey.first(job(partition), 1);
  }

  private static ResponseChunkKey last(int partition) {
    return ResponseChunkKey.last(job(partition), 1);
  }

  private static String chunk(long seq) {
    return "chunk " + seq;
  }

  private static String run() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static void createInput(TestKafka kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(CHUNK_WRITES, PARTITIONS, (short) 1))).all().get();
    }
  }

  /** {@code chunksPerJob} chunks of one job per partition, in order. */
  private static void produce(TestKafka kafka, int chunksPerJob) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Long> producer =
        new KafkaProducer<>(config, new StringSerializer(), new LongSerializer())) {
      for (long seq = 0; seq < chunksPerJob; seq++) {
        for (int p = 0; p < PARTITIONS; p++) {
          producer.send(new ProducerRecord<>(CHUNK_WRITES, p, job(p), seq));
        }
      }
      producer.flush();
    }
  }

  private static KafkaStreams streams(
      TestKafka kafka, String appId, Path dir, int standbys, AtomicLong processed) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return new KafkaStreams(topology(processed), props);
  }

  private static Topology topology(AtomicLong processed) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(rocksDb(CHUNKS)).addStateStore(rocksDb(LAST_CHUNK));
    builder.stream(CHUNK_WRITES, Consumed.with(Serdes.String(), Serdes.Long()))
        .process(() -> new ChunkWriter(processed), CHUNKS.name(), LAST_CHUNK.name());
    return builder.build();
  }

  /** A persistent store with changelog. */
  private static <K, V> StoreBuilder<KeyValueStore<K, V>> rocksDb(StoreDef<K, V> def) {
    StoreBuilder<KeyValueStore<K, V>> builder =
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(def.name()),
                def.keySerde(),
                def.valueSerde())
            .withLoggingEnabled(Map.of());
    // As the platform builds them: the chunk store without the record cache, most others with it,
    // so both the caching and the plain RocksDB read paths race the stream thread here.
    return def.recordCache() ? builder.withCachingEnabled() : builder.withCachingDisabled();
  }

  /** Puts each chunk, then the job's last chunk number, as the job-state processor appends. */
  private static final class ChunkWriter implements Processor<String, Long, Void, Void> {
    private final AtomicLong processed;
    private KeyValueStore<ResponseChunkKey, String> chunks;
    private KeyValueStore<String, Long> lastChunk;

    ChunkWriter(AtomicLong processed) {
      this.processed = processed;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      chunks = context.getStateStore(CHUNKS.name());
      lastChunk = context.getStateStore(LAST_CHUNK.name());
    }

    @Override
    public void process(Record<String, Long> record) {
      chunks.put(new ResponseChunkKey(record.key(), 1, record.value()), chunk(record.value()));
      lastChunk.put(record.key(), record.value());
      processed.incrementAndGet();
    }
  }
}
