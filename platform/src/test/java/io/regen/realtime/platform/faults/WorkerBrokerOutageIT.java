package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.platform.kafka.BrokerSettings;
import io.regen.realtime.platform.kafka.EmbeddedKraftBroker;
import io.regen.realtime.platform.kafka.PlatformTopics;
import io.regen.realtime.platform.testing.FreePorts;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.kafka.Durability;
import io.regen.realtime.schemas.kafka.KafkaClientConfigs;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 2: the broker goes down while a job runs and stays down past the worker producer's
 * delivery timeout, so the job's terminal event is never acknowledged. The request is not committed
 * (its attempt mark cannot be written either while the broker is down); after the broker is back
 * the job runs again as attempt 2, completes, and only then is the request committed. A real broker
 * stopped and restarted; nothing of Kafka is mocked.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WorkerBrokerOutageIT {
  @TempDir Path dir;

  @Test
  void aJobWhoseEndWasNeverAcknowledgedRunsAgainAndIsCommittedOnlyThen() throws Exception {
    BrokerSettings settings =
        BrokerSettings.singleNode(FreePorts.next(), FreePorts.next(), dir.resolve("kafka"));
    EmbeddedKraftBroker broker = new EmbeddedKraftBroker(settings).start();
    broker.awaitReady(Duration.ofSeconds(60));
    String bootstrap = broker.bootstrapServers();
    try (Admin admin = PlatformTopics.admin(KafkaClientConfigs.plaintext(bootstrap))) {
      PlatformTopics.provisioning(admin, Durability.expecting(1))
          .ensure(PlatformTopics.specs(1, Duration.ofDays(1)));
    }
    var registry = new InMemorySchemaRegistryClient();
    RegistrySerdes serdes = new RegistrySerdes(registry);
    String unique = UUID.randomUUID().toString().substring(0, 8);
    String jobType = "outage-" + unique;
    String jobId = "job-" + unique;
    String group = "it-" + unique + "-" + jobType;
    try (KafkaProducer<String, JobRequest> requests =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            serdes.valueSerializer(Topics.JOB_REQUESTS))) {
      requests
          .send(
              new ProducerRecord<>(
                  Topics.JOB_REQUESTS.name(),
                  jobId,
                  new JobRequest(
                      jobId,
                      "user-" + unique,
                      jobType,
                      Map.of(),
                      null,
                      Instant.now(),
                      JobRequestAction.START)))
          .get(30, TimeUnit.SECONDS);
    }

    AtomicInteger runs = new AtomicInteger();
    List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch firstRunStarted = new CountDownLatch(1);
    CountDownLatch brokerDown = new CountDownLatch(1);
    CompletableFuture<Object> firstEnd = new CompletableFuture<>();
    try (RegenWorkerClient client =
            RegenWorkerClient.builder()
                .bootstrapServers(bootstrap)
                .schemaRegistry(registry)
                .workerId("w-" + unique)
                .groupIdPrefix("it-" + unique + "-")
                .lingerMs(0)
                .producerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000)
                .producerProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000)
                .producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000)
                .drainTimeout(Duration.ofSeconds(2))
                .build();
        RequestLoop loop =
            client.handleRequests(
                jobType,
                context -> {
                  attempts.add(context.job().attempt());
                  if (runs.incrementAndGet() == 1) {
                    firstRunStarted.countDown();
                    brokerDown.await(60, TimeUnit.SECONDS);
                    try {
                      context.job().complete("first").whenComplete((ok, e) -> firstEnd.complete(e));
                    } catch (RuntimeException e) {
                      firstEnd.complete(e); // refused at once (no metadata with Kafka down)
                      throw e;
                    }
                  } else {
                    context.job().complete("again");
                  }
                })) {
      assertThat(firstRunStarted.await(60, TimeUnit.SECONDS)).isTrue();
      broker.close();
      brokerDown.countDown();

      // Past the delivery timeout: the terminal event of the first run failed.
      Object failure = firstEnd.get(60, TimeUnit.SECONDS);
      assertThat(failure).as("the first run's end was not acknowledged").isNotNull();
      // The runner gives the first run up (its terminal event, or the failure it ends with when
      // the handler's complete() was refused at once, is never acknowledged) while Kafka is down.
      await().atMost(Duration.ofSeconds(60)).until(() -> loop.stats().jobsRetried() >= 1);
      assertThat(loop.stats().jobsFinished()).isZero();

      broker = new EmbeddedKraftBroker(settings).start();
      broker.awaitReady(Duration.ofSeconds(60));

      await().atMost(Duration.ofSeconds(90)).until(() -> loop.stats().jobsFinished() == 1);
      assertThat(runs.get()).isGreaterThanOrEqualTo(2);
      assertThat(loop.stats().jobsRetried()).isGreaterThanOrEqualTo(1);
      assertThat(attempts.get(0)).isEqualTo(1);
      assertThat(attempts.subList(1, attempts.size()))
          .as("each run after the first is the next attempt")
          .isEqualTo(java.util.stream.IntStream.rangeClosed(2, attempts.size()).boxed().toList());
      List<JobEvent> completed = completedEvents(bootstrap, serdes, jobId);
      assertThat(completed).hasSize(1);
      assertThat(completed.get(0).getAttempt()).isEqualTo(attempts.get(attempts.size() - 1));
      assertThat(((JobCompleted) completed.get(0).getPayload()).getResultSummary())
          .isEqualTo("again");
      try (Admin admin = PlatformTopics.admin(KafkaClientConfigs.plaintext(bootstrap))) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(
                            admin
                                .listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get(10, TimeUnit.SECONDS)
                                .get(new TopicPartition(Topics.JOB_REQUESTS.name(), 0)))
                        .isEqualTo(new OffsetAndMetadata(1L, "")));
      }
    } finally {
      broker.close();
    }
  }

  private static List<JobEvent> completedEvents(
      String bootstrap, RegistrySerdes serdes, String jobId) {
    try (KafkaConsumer<String, JobEvent> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            serdes.valueDeserializer(Topics.JOB_EVENTS))) {
      consumer.subscribe(List.of(Topics.JOB_EVENTS.name()));
      List<JobEvent> completed = new java.util.ArrayList<>();
      // Read up to the end of the log, so a second completed event would be seen too.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (r.value().getJobId().equals(jobId)
                              && r.value().getPayload() instanceof JobCompleted) {
                            completed.add(r.value());
                          }
                        });
                return !consumer.assignment().isEmpty()
                    && consumer.assignment().stream()
                        .allMatch(
                            tp ->
                                consumer.position(tp)
                                    >= consumer
                                        .endOffsets(List.of(tp), Duration.ofSeconds(5))
                                        .get(tp));
              });
      return completed;
    }
  }
}
