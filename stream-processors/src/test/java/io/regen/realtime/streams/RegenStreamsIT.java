package io.regen.realtime.streams;

import static io.regen.realtime.testsupport.TestJobEvents.chunk;
import static io.regen.realtime.testsupport.TestJobEvents.completed;
import static io.regen.realtime.testsupport.TestJobEvents.progress;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.streams.state.JobMetrics;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import io.regen.realtime.testsupport.KafkaTestBrokers;
import io.regen.realtime.testsupport.TestJobEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The topology on a real in-process KRaft broker with the production config (exactly_once_v2,
 * RocksDB, static membership): state and aggregates survive a restart and are not double counted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegenStreamsIT {
  private static EmbeddedKafkaKraftBroker broker;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() {
    broker =
        KafkaTestBrokers.startKraft(
            1,
            2,
            Map.of(
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1"),
            Topics.JOB_EVENTS.name(),
            Topics.JOB_REQUESTS.name(),
            Topics.GATEWAY_SESSIONS.name());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.destroy();
    }
  }

  @Test
  void stateSurvivesRestartAndAggregatesAreNotDoubleCounted() throws Exception {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    RegistrySerdes serdes = new RegistrySerdes(registry);
    StreamsSettings settings =
        StreamsSettings.defaults(broker.getBrokersAsString(), "it-node-1", stateDir)
            .withApplicationId("regen-it-" + UUID.randomUUID());
    TopologySettings topology = TopologySettings.defaults(serdes);
    Instant t0 = Instant.now().minusSeconds(60);

    try (KafkaProducer<String, JobRequest> requests =
            producer(serdes, Topics.JOB_REQUESTS.valueType());
        KafkaProducer<String, JobEvent> events = producer(serdes, JobEvent.class)) {
      requests.send(request(Topics.JOB_REQUESTS.name(), "u1", "job-1", t0)).get();
      sendJob(events, "u1", "job-1", t0);

      KafkaStreams first = start(settings, topology);
      try {
        awaitStatus(first, "job-1", JobStatus.COMPLETED);
        JobState s =
            JobResponses.read(jobState(first, "job-1"), store(first, Stores.JOB_RESPONSE_CHUNKS))
                .orElseThrow();
        assertThat(s.getResponseSoFar()).isEqualTo("Hello");
        assertThat(s.getFirstPosition()).isNotNull();
        assertThat(s.getFirstPosition().getOffset()).isZero();
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(() -> assertThat(dailyCompleted(first)).isEqualTo(1));
      } finally {
        first.close(Duration.ofSeconds(20));
      }

      // Restart with the same instance id and state directory.
      KafkaStreams second = start(settings, topology);
      try {
        awaitStatus(second, "job-1", JobStatus.COMPLETED);
        requests.send(request(Topics.JOB_REQUESTS.name(), "u1", "job-2", t0.plusSeconds(5))).get();
        sendJob(events, "u1", "job-2", t0.plusSeconds(5));
        awaitStatus(second, "job-2", JobStatus.COMPLETED);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  JobMetrics merged = mergedDaily(second);
                  assertThat(merged.getCompleted()).isEqualTo(2);
                  assertThat(merged.getStarted()).isEqualTo(2);
                });
        assertThat(jobState(second, "job-1").getDuplicates()).isZero();
        assertThat(jobState(second, "job-2").getFirstPosition().getOffset()).isEqualTo(4);
      } finally {
        second.close(Duration.ofSeconds(20));
      }
    }
  }

  private static KafkaStreams start(StreamsSettings settings, TopologySettings topology) {
    KafkaStreams streams =
        new KafkaStreams(RegenTopology.build(topology), StreamsConfigFactory.create(settings));
    streams.start();
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
    return streams;
  }

  private static void sendJob(
      KafkaProducer<String, JobEvent> events, String user, String job, Instant at)
      throws Exception {
    String topic = Topics.JOB_EVENTS.name();
    events
        .send(
            new ProducerRecord<>(
                topic, user, TestJobEvents.jobEvent(user, job, 0, at, started("model"))))
        .get();
    events
        .send(
            new ProducerRecord<>(
                topic, user, TestJobEvents.jobEvent(user, job, 1, at.plusMillis(10), progress(50))))
        .get();
    events
        .send(
            new ProducerRecord<>(
                topic,
                user,
                TestJobEvents.jobEvent(user, job, 2, at.plusMillis(20), chunk("m", 0, "Hello"))))
        .get();
    events
        .send(
            new ProducerRecord<>(
                topic,
                user,
                TestJobEvents.jobEvent(user, job, 3, at.plusMillis(30), completed(30))))
        .get();
  }

  private static ProducerRecord<String, JobRequest> request(
      String topic, String user, String job, Instant at) {
    return new ProducerRecord<>(
        topic, job, TestJobEvents.request(user, job, "model", at, JobRequestAction.START));
  }

  private static void awaitStatus(KafkaStreams streams, String jobId, JobStatus status) {
    await()
        .atMost(Duration.ofSeconds(45))
        .ignoreException(InvalidStateStoreException.class)
        .untilAsserted(
            () -> {
              JobState s = jobState(streams, jobId);
              assertThat(s).isNotNull();
              assertThat(s.getStatus()).isEqualTo(status);
            });
  }

  private static JobState jobState(KafkaStreams streams, String jobId) {
    return store(streams, Stores.JOB_STATE).get(jobId);
  }

  private static long dailyCompleted(KafkaStreams streams) {
    return mergedDaily(streams).getCompleted();
  }

  private static JobMetrics mergedDaily(KafkaStreams streams) {
    List<JobMetrics> partials = new ArrayList<>();
    try (KeyValueIterator<String, JobMetrics> it = store(streams, Stores.JOB_METRICS_DAILY).all()) {
      it.forEachRemaining(kv -> partials.add(kv.value));
    }
    return AnalyticsReader.mergeJobMetrics(partials);
  }

  private static <K, V> ReadOnlyKeyValueStore<K, V> store(
      KafkaStreams streams, StoreDef<K, V> def) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            def.name(), QueryableStoreTypes.<K, V>keyValueStore()));
  }

  private static <V extends org.apache.avro.specific.SpecificRecord>
      KafkaProducer<String, V> producer(RegistrySerdes serdes, Class<V> type) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    var topic = type == JobEvent.class ? Topics.JOB_EVENTS : Topics.JOB_REQUESTS;
    @SuppressWarnings("unchecked")
    var serializer =
        (org.apache.kafka.common.serialization.Serializer<V>) serdes.valueSerializer(topic);
    return new KafkaProducer<>(p, new StringSerializer(), serializer);
  }
}
