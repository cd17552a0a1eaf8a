package io.regen.realtime.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.registry.SchemaRegistryServer;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK publishes whole jobs to a real broker, registering the schema over HTTP with the embedded
 * registry; a plain consumer with its own registry client reads them back, decoded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SdkPublishIT {
  private static TestKafka kafka;
  private static SchemaRegistryServer registryServer;
  private static SchemaRegistryClient registry;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = TestKafka.start();
    // Created and visible before the registry starts: the registry's own create-then-describe can
    // race the metadata propagation on a fresh broker (UnknownTopicOrPartitionException).
    kafka.createCompactedTopic(Topics.SCHEMAS);
    registryServer = new SchemaRegistryServer(kafka.bootstrap(), 0);
    registryServer.start();
    registry = new HttpSchemaRegistryClient(registryServer.url());
  }

  @AfterAll
  static void stopBroker() {
    if (registryServer != null) {
      registryServer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void fullJobsArriveInOrderDecodedWithUserKeyOnTheDefaultPartition() throws Exception {
    List<String> users = List.of("alice-" + UUID.randomUUID(), "bob-" + UUID.randomUUID());
    List<String> jobIds = new ArrayList<>();
    try (RegenWorkerClient client =
        RegenWorkerClient.builder()
            .bootstrapServers(kafka.bootstrap())
            .schemaRegistry(registryServer.url())
            .workerId("model-1")
            .build()) {
      for (String user : users) {
        String jobId = "job-" + UUID.randomUUID();
        jobIds.add(jobId);
        JobHandle job = client.startJob(jobId, user, "model", "summary of " + user);
        List<CompletableFuture<Published>> acks = new ArrayList<>();
        acks.add(job.started());
        for (int i = 0; i < 100; i++) {
          acks.add(
              i % 2 == 0
                  ? job.modelChunk("regen-small", i / 2, "chunk " + i + " ", i == 98)
                  : job.progress(i, "step " + i));
        }
        acks.add(job.complete("done"));
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        int expectedPartition = defaultPartition(user);
        for (int seq = 0; seq < acks.size(); seq++) {
          Published published = acks.get(seq).join();
          assertThat(published.seq()).isEqualTo(seq);
          assertThat(published.partition()).isEqualTo(expectedPartition);
        }
      }
    }

    Map<String, List<ConsumerRecord<String, JobEvent>>> byJob = readAll(jobIds, 102);
    for (int u = 0; u < users.size(); u++) {
      String user = users.get(u);
      List<ConsumerRecord<String, JobEvent>> records = byJob.get(jobIds.get(u));
      assertThat(records).hasSize(102);
      assertThat(records).extracting(ConsumerRecord::key).containsOnly(user);
      assertThat(records)
          .extracting(ConsumerRecord::partition)
          .containsOnly(defaultPartition(user));
      assertThat(records)
          .extracting(r -> r.value().getSeq())
          .containsExactlyElementsOf(IntStream.range(0, 102).mapToObj(i -> (long) i).toList());
      List<JobEvent> events = records.stream().map(ConsumerRecord::value).toList();
      assertThat(events).extracting(JobEvent::getProducer).containsOnly("model-1");
      assertThat(events).extracting(JobEvent::getUserId).containsOnly(user);
      assertThat(events.stream().map(JobEvent::getEventId).distinct().count()).isEqualTo(102);
      events.forEach(e -> assertThat(UUID.fromString(e.getEventId())).isNotNull());
      assertThat(registry.latest(Topics.JOB_EVENTS.valueSubject()).schema())
          .isEqualTo(JobEvent.getClassSchema());
      assertThat(events.get(0).getPayload())
          .isEqualTo(new JobStarted("model", "summary of " + user));
      assertThat(events.get(1).getPayload())
          .isEqualTo(new ModelChunk("regen-small", 0, "chunk 0 ", false));
      assertThat(events.get(2).getPayload()).isEqualTo(new JobProgress(1, "step 1"));
      assertThat(events.get(99).getPayload())
          .isEqualTo(new ModelChunk("regen-small", 49, "chunk 98 ", true));
      JobCompleted completed = (JobCompleted) events.get(101).getPayload();
      assertThat(completed.getResultSummary()).isEqualTo("done");
      assertThat(completed.getDurationMs()).isGreaterThanOrEqualTo(0);
      assertThat(events)
          .extracting(e -> EventTypes.wireName(e.getPayload()))
          .startsWith(EventTypes.JOB_STARTED, EventTypes.MODEL_CHUNK, EventTypes.JOB_PROGRESS)
          .endsWith(EventTypes.JOB_COMPLETED);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).getOccurredAt())
            .isAfterOrEqualTo(events.get(i - 1).getOccurredAt());
      }
    }
  }

  /** What Kafka's default partitioner computes for a key (murmur2, positive, modulo). */
  private static int defaultPartition(String userId) {
    byte[] key = userId.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % TestKafka.PARTITIONS;
  }

  private static Map<String, List<ConsumerRecord<String, JobEvent>>> readAll(
      List<String> jobIds, int perJob) {
    Map<String, List<ConsumerRecord<String, JobEvent>>> byJob = new java.util.HashMap<>();
    jobIds.forEach(id -> byJob.put(id, new ArrayList<>()));
    try (KafkaConsumer<String, JobEvent> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new RegistrySerdes(registry).valueDeserializer(Topics.JOB_EVENTS))) {
      List<TopicPartition> partitions =
          IntStream.range(0, TestKafka.PARTITIONS)
              .mapToObj(p -> new TopicPartition(Topics.JOB_EVENTS.name(), p))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (byJob.values().stream().anyMatch(l -> l.size() < perJob)
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, JobEvent> r : consumer.poll(Duration.ofMillis(200))) {
          List<ConsumerRecord<String, JobEvent>> list = byJob.get(r.value().getJobId());
          if (list != null) {
            list.add(r);
          }
        }
      }
    }
    return byJob;
  }
}
