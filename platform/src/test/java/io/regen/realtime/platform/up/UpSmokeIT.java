package io.regen.realtime.platform.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.platform.testing.RegenProcess;
import io.regen.realtime.platform.testing.WsClient;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code regen up} as a real process, as the README starts it: healthy; a job published through the
 * SDK reaches a WebSocket client (token from {@code regen token}) live and the query API on the
 * same port; a {@code start_job} runs on the reference model worker; SIGTERM stops it with status 0
 * and frees its ports; after a restart on the same data directory the job's events are still in the
 * topic, the schema ids are unchanged and the job's state is served again.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class UpSmokeIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration WS_TIMEOUT = Duration.ofSeconds(30);
  private static final int PROGRESS_EVENTS = 20;
  private static final int JOB_EVENTS = PROGRESS_EVENTS + 2; // started + progress + completed
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  private final int httpPort = FreePorts.next();
  private final int registryPort = FreePorts.next();
  private final int kafkaPort = FreePorts.next();
  private final int controllerPort = FreePorts.next();
  private final int managementPort = FreePorts.next();
  private final String bootstrap = "localhost:" + kafkaPort;
  private final String registryUrl = "http://localhost:" + registryPort;
  private final String jobId = "smoke-" + UUID.randomUUID();
  private final String userId = "alice-" + UUID.randomUUID();

  @Test
  void startsServesAJobStopsCleanlyAndKeepsEverythingAcrossARestart() throws Exception {
    List<String> eventIds;
    int schemaId;
    try (RegenProcess up = RegenProcess.start(env(), log("first"), "up")) {
      up.awaitHealthy(httpPort, START_TIMEOUT);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(up.output()).contains("regen: ready in"));
      assertThat(get("/actuator/health", null).body())
          .as("the public port answers the status alone")
          .isEqualTo("{\"status\":\"UP\"}");
      HttpResponse<String> details =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(details.statusCode()).isEqualTo(200);
      assertThat(details.body())
          .as("health on the management port covers what up started, with details")
          .contains(
              "\"kafkaBroker\"", "\"schemaRegistry\"", "\"workers\"", "\"delivery\"", bootstrap)
          .contains("ms ago");
      assertThat(get("/actuator/prometheus", null).statusCode())
          .as("metrics are not on the public port")
          .isEqualTo(404);
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).as("metrics on the management port").isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_");

      String token = token();
      try (WsClient ws = authenticatedClient(token)) {
        publishJobThroughTheSdk();
        List<JsonNode> live = ws.eventsUntil(jobId, "job:completed:v1", WS_TIMEOUT);
        assertThat(live)
            .extracting(f -> f.path("event").path("seq").asLong())
            .containsExactlyElementsOf(LongStream.range(0, JOB_EVENTS).boxed().toList());

        ws.send(
            "{\"type\":\"start_job\",\"id\":\"s1\",\"jobType\":\"model\","
                + "\"input\":{\"prompt\":\"say hello\"},\"idempotencyKey\":\"smoke-1\"}");
        JsonNode ack =
            ws.next(
                f ->
                    "ack".equals(f.path("type").asString()) && "s1".equals(f.path("id").asString()),
                WS_TIMEOUT);
        List<JsonNode> workerJob =
            ws.eventsUntil(
                ack.path("jobId").asString(), "job:completed:v1", Duration.ofSeconds(90));
        assertThat(workerJob)
            .extracting(f -> f.path("event").path("type").asString())
            .contains("job:started:v1", "model:chunk:v1");
      }

      List<JobEvent> events = readJob();
      assertThat(events).extracting(JobEvent::getSeq).isSorted();
      eventIds = events.stream().map(e -> e.getEventId().toString()).toList();
      schemaId = latestSchemaId();

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
      // The query API reads the caller the gateway's edge verified: its access rules still hold.
      assertThat(get("/api/job/" + jobId + "/status", token).statusCode()).isEqualTo(200);
      assertThat(get("/api/job/" + jobId + "/state", token("someone-else")).statusCode())
          .as("another user's token")
          .isEqualTo(403);

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
      assertThat(readJob())
          .extracting(e -> e.getEventId().toString())
          .containsExactlyElementsOf(eventIds);
      assertThat(latestSchemaId()).as("schema id after restart").isEqualTo(schemaId);

      // The job state was kept (state stores / changelog) and is served again.
      String token = token();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                HttpResponse<String> state = get("/api/job/" + jobId + "/state", token);
                assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
                assertThat(state.body()).contains("COMPLETED");
              });

      // This node never saw the job live: replay must find it through the query API's index.
      try (WsClient ws = authenticatedClient(token)) {
        assertThat(replaySeqs(ws, 0))
            .containsExactlyElementsOf(LongStream.range(0, JOB_EVENTS).boxed().toList());
        assertThat(replaySeqs(ws, JOB_EVENTS - 2))
            .containsExactly((long) JOB_EVENTS - 2, (long) JOB_EVENTS - 1);
      }
      HttpResponse<String> history = get("/api/job/" + jobId + "/events", token);
      assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
      assertThat(history.body().strip().split("\n")).hasSize(JOB_EVENTS);
      assertThat(up.terminate(STOP_TIMEOUT)).isZero();
    }
  }

  /** Replays the job from {@code fromSeq}; returns the replayed seqs after checking replay_end. */
  private List<Long> replaySeqs(WsClient ws, long fromSeq) throws InterruptedException {
    String replayId = "r" + fromSeq;
    ws.send(
        "{\"type\":\"replay\",\"id\":\""
            + replayId
            + "\",\"jobId\":\""
            + jobId
            + "\",\"fromSeq\":"
            + fromSeq
            + "}");
    List<Long> seqs = new ArrayList<>();
    while (true) {
      JsonNode frame =
          ws.next(
              f ->
                  replayId.equals(f.path("replay").asString())
                      || replayId.equals(f.path("id").asString()),
              WS_TIMEOUT);
      assertThat(frame).as("frame for replay " + replayId).isNotNull();
      String type = frame.path("type").asString();
      assertThat(type).as(frame.toString()).isIn("event", "replay_end");
      if (type.equals("replay_end")) {
        assertThat(frame.path("count").asLong()).isEqualTo(seqs.size());
        assertThat(frame.path("jobId").asString()).isEqualTo(jobId);
        return seqs;
      }
      seqs.add(frame.path("event").path("seq").asLong());
    }
  }

  private Map<String, String> env() {
    return Map.of(
        "PORT", Integer.toString(httpPort),
        "SCHEMA_REGISTRY_PORT", Integer.toString(registryPort),
        "KAFKA_PORT", Integer.toString(kafkaPort),
        "KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
        "MANAGEMENT_SERVER_PORT", Integer.toString(managementPort),
        "REGEN_DATA_DIR", dataDir.toString(),
        "TOPIC_PARTITIONS", "3");
  }

  private static Path log(String name) {
    return Path.of("target", "up-smoke-it", name + "-" + System.currentTimeMillis() + ".log");
  }

  /** A token printed by {@code regen token <userId>} (the dev secret of the data directory). */
  private String token() throws Exception {
    return token(userId);
  }

  private String token(String user) throws Exception {
    String output = RegenProcess.runToCompletion(env(), log("token"), "token", user);
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private WsClient authenticatedClient(String token) throws InterruptedException {
    WsClient ws = WsClient.connect(URI.create("ws://localhost:" + httpPort + "/ws"));
    ws.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
    JsonNode welcome = ws.next(f -> "welcome".equals(f.path("type").asString()), WS_TIMEOUT);
    assertThat(welcome.path("userId").asString()).isEqualTo(userId);
    return ws;
  }

  private void publishJobThroughTheSdk() throws Exception {
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
  }

  private int latestSchemaId() {
    return new HttpSchemaRegistryClient(registryUrl).latest(Topics.JOB_EVENTS.valueSubject()).id();
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

  /** The job's events in {@code jobs.events.v1}, read with a plain consumer from the start. */
  private List<JobEvent> readJob() {
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
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, JobEvent> r : consumer.poll(Duration.ofMillis(200))) {
                  if (r.value().getJobId().toString().equals(jobId)) {
                    assertThat(r.key()).isEqualTo(userId);
                    events.add(r.value());
                  }
                }
                return events.size() >= JOB_EVENTS;
              });
    }
    assertThat(events).hasSize(JOB_EVENTS);
    return events;
  }
}
