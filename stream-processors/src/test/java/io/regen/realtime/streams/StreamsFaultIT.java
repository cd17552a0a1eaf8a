package io.regen.realtime.streams;

import static io.regen.realtime.testsupport.TestJobEvents.jobEvent;
import static io.regen.realtime.testsupport.TestJobEvents.progress;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.registry.SchemaRegistryServer;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.streams.state.JobState;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Streams error handlers on a real broker, a real registry server and the production config
 * (exactly_once_v2): a registry outage delays the job state but loses no event; a record a
 * processor throws on lands in the dead-letter topic and the records after it are processed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class StreamsFaultIT {
  private static EmbeddedKafkaKraftBroker broker;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() {
    broker =
        new EmbeddedKafkaKraftBroker(
            1,
            2,
            Topics.JOB_EVENTS.name(),
            Topics.JOB_REQUESTS.name(),
            Topics.GATEWAY_SESSIONS.name(),
            Topics.STREAMS_DEAD_LETTERS.name());
    broker.brokerProperties(
        Map.of(
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "offsets.topic.replication.factor", "1",
            "group.initial.rebalance.delay.ms", "0"));
    broker.afterPropertiesSet();
    System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
    System.clearProperty("spring.kafka.bootstrap-servers");
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.destroy();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static KafkaStreams startReplacingFailedThreads(
      org.apache.kafka.streams.Topology topology, Properties config) {
    KafkaStreams streams = new KafkaStreams(topology, config);
    // What StreamsRuntime does in production: a failed thread is replaced and its tasks reread
    // from the last committed offset.
    streams.setUncaughtExceptionHandler(
        e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
    streams.start();
    return streams;
  }

  @Test
  void aRegistryOutageWhileStreamsStartsWithAnEmptyCacheLosesNoEvent() throws Exception {
    int port = freePort();
    String schemasTopic = "_schemas-" + UUID.randomUUID();
    String bootstrap = broker.getBrokersAsString();
    SchemaRegistryServer registry =
        new SchemaRegistryServer(bootstrap, port, schemasTopic, Duration.ofSeconds(60));
    registry.start();
    String user = "outage-user";
    String job = "outage-job";
    RegistrySerdes writer = new RegistrySerdes(new HttpSchemaRegistryClient(registry.url()));
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    Instant t0 = Instant.now().minusSeconds(30);
    try (KafkaProducer<String, JobEvent> producer =
        new KafkaProducer<>(
            pp, new StringSerializer(), writer.valueSerializer(Topics.JOB_EVENTS))) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.JOB_EVENTS.name(), user, jobEvent(user, job, 0, t0, started("model"))))
          .get();
      for (int seq = 1; seq < 30; seq++) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.JOB_EVENTS.name(),
                    user,
                    jobEvent(user, job, seq, t0.plusMillis(seq), progress(seq))))
            .get();
      }
    }
    registry.close();

    long skippedBefore = FaultCounters.undecodableSkipped();
    long outagesBefore = FaultCounters.registryUnavailable();
    HttpSchemaRegistryClient emptyCache =
        new HttpSchemaRegistryClient(
            "http://localhost:" + port, Duration.ofMillis(500), Duration.ofSeconds(2));
    StreamsSettings settings =
        StreamsSettings.defaults(bootstrap, "fault-node", stateDir.resolve("outage"))
            .withApplicationId("regen-fault-it-" + UUID.randomUUID());
    KafkaStreams streams =
        startReplacingFailedThreads(
            RegenTopology.build(TopologySettings.defaults(new RegistrySerdes(emptyCache))),
            StreamsConfigFactory.create(settings));
    SchemaRegistryServer restarted = null;
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> FaultCounters.registryUnavailable() > outagesBefore);
      restarted = new SchemaRegistryServer(bootstrap, port, schemasTopic, Duration.ofSeconds(60));
      restarted.start();

      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreException(InvalidStateStoreException.class)
          .untilAsserted(
              () -> {
                JobState state =
                    streams
                        .store(
                            StoreQueryParameters.fromNameAndType(
                                Stores.JOB_STATE.name(),
                                QueryableStoreTypes.<String, JobState>keyValueStore()))
                        .get(job);
                assertThat(state).isNotNull();
                assertThat(state.getLastSeq()).isEqualTo(29L);
              });
      assertThat(FaultCounters.undecodableSkipped()).isEqualTo(skippedBefore);
    } finally {
      streams.close(Duration.ofSeconds(20));
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  @Test
  void aRecordAProcessorThrowsOnIsInTheDeadLetterTopicAndTheNextOnesAreProcessed()
      throws Exception {
    String bootstrap = broker.getBrokersAsString();
    String input = "dlt-input-" + UUID.randomUUID();
    String output = "dlt-output-" + UUID.randomUUID();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(
            v -> {
              if (v.startsWith("boom")) {
                throw new IllegalArgumentException("cannot handle " + v);
              }
              return v.toUpperCase();
            })
        .to(output);
    StreamsSettings settings =
        StreamsSettings.defaults(bootstrap, "dlt-node", stateDir.resolve("dlt"))
            .withApplicationId("regen-dlt-it-" + UUID.randomUUID());
    Properties config = StreamsConfigFactory.create(settings);
    config.put("default.key.serde", Serdes.StringSerde.class);
    config.put("default.value.serde", Serdes.StringSerde.class);
    long before = FaultCounters.deadLettered();
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(input, "k", "first")).get();
      producer.send(new ProducerRecord<>(input, "k", "boom-7")).get();
      producer.send(new ProducerRecord<>(input, "k", "after")).get();
    }
    KafkaStreams streams = startReplacingFailedThreads(builder.build(), config);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      consumer.subscribe(List.of(output, Topics.STREAMS_DEAD_LETTERS.name()));
      List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                assertThat(seen.stream().filter(r -> r.topic().equals(output)))
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("FIRST", "AFTER");
                assertThat(
                        seen.stream()
                            .filter(r -> r.topic().equals(Topics.STREAMS_DEAD_LETTERS.name())))
                    .filteredOn(r -> header(r, "topic").equals(input))
                    .singleElement()
                    .satisfies(
                        r -> {
                          assertThat(new String(r.value(), StandardCharsets.UTF_8))
                              .isEqualTo("boom-7");
                          assertThat(header(r, "offset")).isEqualTo("1");
                          assertThat(header(r, "partition")).isEqualTo("0");
                          assertThat(header(r, "error")).contains("cannot handle boom-7");
                        });
              });
      assertThat(FaultCounters.deadLettered() - before).isEqualTo(1);
    } finally {
      streams.close(Duration.ofSeconds(20));
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(KafkaDeadLetterSink.HEADER_PREFIX + name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
