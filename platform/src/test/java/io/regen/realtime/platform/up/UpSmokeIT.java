package io.regen.realtime.platform.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.RegenWorkerClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code regen up} as a real process: healthy, takes a job through the SDK, stops cleanly on
 * SIGTERM, and after a restart on the same data directory still has the job's events and the same
 * schema ids.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class UpSmokeIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
  private static final int PROGRESS_EVENTS = 20;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  private final int httpPort = FreePorts.next();
  private final int registryPort = FreePorts.next();
  private final int kafkaPort = FreePorts.next();
  private final int controllerPort = FreePorts.next();

  @Test
  void startsTakesAJobStopsCleanlyAndKeepsEverythingAcrossARestart() throws Exception {
    String bootstrap = "localhost:" + kafkaPort;
    String registryUrl = "http://localhost:" + registryPort;
    String jobId = "smoke-" + UUID.randomUUID();
    String userId = "alice-" + UUID.randomUUID();

    List<String> eventIds;
    int schemaId;
    try (RegenProcess up = RegenProcess.start(env(), log("first"), "up")) {
      up.awaitHealthy(httpPort, START_TIMEOUT);
      assertThat(up.output()).contains("ready in");
      assertThat(get("/actuator/health", null).body())
          .as("health covers what up started")
          .contains("\"kafkaBroker\"", "\"schemaRegistry\"", "\"workers\"");

      try (RegenWorkerClient client =
          RegenWorkerClient.builder()
              .bootstrapServers(bootstrap)
              .schemaRegistry(registryUrl)
              .workerId("smoke-worker")
              .build()) {
        JobHandle job = client.startJob(jobId, userId, "model", "smoke test");
        for (int i = 1; i <= PROGRESS_EVENTS; i++) {
          job.progress(i * 100 / PROGRESS_EVENTS, "step " + i);
        }
        job.complete("done").get(30, TimeUnit.SECONDS);
      }
      List<JobEvent> events = readJob(bootstrap, registryUrl, jobId, PROGRESS_EVENTS + 2);
      assertThat(events).extracting(JobEvent::getSeq).isSorted();
      eventIds = events.stream().map(e -> e.getEventId().toString()).toList();

      // The query API answers on the same port, for a token from `regen token`.
      String token = token(userId);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                HttpResponse<String> state = get("/api/job/" + jobId + "/state", token);
                assertThat(state.statusCode()).isEqualTo(200);
                assertThat(state.body()).contains("COMPLETED");
              });
      assertThat(get("/api/job/" + jobId + "/state", null).statusCode())
          .as("no token")
          .isEqualTo(401);

      // The reference model worker runs a requested job to completion.
      String workerJobId = "smoke-model-" + UUID.randomUUID();
      requestJob(bootstrap, registryUrl, workerJobId, userId, "model");
      List<JobEvent> workerEvents = readJobUntilTerminal(bootstrap, registryUrl, workerJobId);
      assertThat(workerEvents.get(workerEvents.size() - 1).getPayload())
          .isInstanceOf(JobCompleted.class);
      assertThat(workerEvents).anyMatch(e -> e.getPayload() instanceof ModelChunk);
      schemaId =
          new HttpSchemaRegistryClient(registryUrl).latest(Topics.JOB_EVENTS.valueSubject()).id();

      assertThat(up.terminate(STOP_TIMEOUT)).as("exit status after SIGTERM").isZero();
      assertThat(up.output()).contains("Stopped cleanly");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(List.of(httpPort, registryPort, kafkaPort, controllerPort))
                    .allMatch(FreePorts::isFree));

    try (RegenProcess up = RegenProcess.start(env(), log("restart"), "up")) {
      up.awaitHealthy(httpPort, START_TIMEOUT);
      List<JobEvent> events = readJob(bootstrap, registryUrl, jobId, PROGRESS_EVENTS + 2);
      assertThat(events)
          .extracting(e -> e.getEventId().toString())
          .containsExactlyElementsOf(eventIds);
      assertThat(
              new HttpSchemaRegistryClient(registryUrl)
                  .latest(Topics.JOB_EVENTS.valueSubject())
                  .id())
          .as("schema id after restart")
          .isEqualTo(schemaId);
      assertThat(up.terminate(STOP_TIMEOUT)).isZero();
    }
  }

  private Map<String, String> env() {
    return Map.of(
        "PORT", Integer.toString(httpPort),
        "SCHEMA_REGISTRY_PORT", Integer.toString(registryPort),
        "KAFKA_PORT", Integer.toString(kafkaPort),
        "KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
        "REGEN_DATA_DIR", dataDir.toString(),
        "TOPIC_PARTITIONS", "3");
  }

  private String token(String userId) throws Exception {
    String output = RegenProcess.runToCompletion(env(), log("token"), "token", userId);
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void requestJob(
      String bootstrap, String registryUrl, String jobId, String userId, String jobType)
      throws Exception {
    var serializer =
        new RegistrySerdes(new HttpSchemaRegistryClient(registryUrl))
            .valueSerializer(Topics.JOB_REQUESTS);
    JobRequest request =
        JobRequest.newBuilder()
            .setJobId(jobId)
            .setUserId(userId)
            .setJobType(jobType)
            .setInput(Map.of("prompt", "say hello"))
            .setIdempotencyKey(jobId)
            .setRequestedAt(Instant.now())
            .setAction(JobRequestAction.START)
            .build();
    try (KafkaProducer<String, JobRequest> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            serializer)) {
      producer.send(new ProducerRecord<>(Topics.JOB_REQUESTS.name(), jobId, request)).get();
    }
  }

  /** The events of {@code jobId} up to its terminal event. */
  private static List<JobEvent> readJobUntilTerminal(
      String bootstrap, String registryUrl, String jobId) {
    return read(
        bootstrap,
        registryUrl,
        jobId,
        events ->
            !events.isEmpty() && events.get(events.size() - 1).getPayload() instanceof JobCompleted
                || events.stream()
                    .anyMatch(
                        e ->
                            e.getPayload() instanceof JobFailed
                                || e.getPayload() instanceof JobCancelled),
        Duration.ofSeconds(90));
  }

  private static Path log(String name) {
    return Path.of("target", "up-smoke-it", name + "-" + System.currentTimeMillis() + ".log");
  }

  /** Every event of {@code jobId} in {@code jobs.events.v1}, read from the start of the topic. */
  private static List<JobEvent> readJob(
      String bootstrap, String registryUrl, String jobId, int expected) {
    List<JobEvent> events =
        read(bootstrap, registryUrl, jobId, e -> e.size() >= expected, Duration.ofSeconds(30));
    assertThat(events).hasSize(expected);
    return events;
  }

  private static List<JobEvent> read(
      String bootstrap,
      String registryUrl,
      String jobId,
      Predicate<List<JobEvent>> done,
      Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    var deserializer =
        new RegistrySerdes(new HttpSchemaRegistryClient(registryUrl))
            .valueDeserializer(Topics.JOB_EVENTS);
    List<JobEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, JobEvent> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), deserializer)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(Topics.JOB_EVENTS.name())) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await()
          .atMost(timeout)
          .until(
              () -> {
                for (ConsumerRecord<String, JobEvent> r : consumer.poll(Duration.ofMillis(200))) {
                  if (r.value().getJobId().toString().equals(jobId)) {
                    events.add(r.value());
                  }
                }
                return done.test(events);
              });
    }
    return events;
  }
}
