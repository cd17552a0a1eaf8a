package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The research worker on a real broker: request in, decoded events out. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResearchWorkerIT {
  private static TestKafka kafka;
  private static SchemaRegistryClient registry;
  private static KafkaProducer<String, JobRequest> requests;
  private static TestKafka.EventsReader events;
  private static RunningWorker worker;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestKafka.start();
    registry = new InMemorySchemaRegistryClient();
    requests = kafka.requestProducer(registry);
    events = kafka.eventsReader(registry);
    worker =
        ReferenceWorkers.start(
            "research",
            WorkerSettings.of(kafka.bootstrap(), registry, "research-it-1")
                .withChunkDelay(Duration.ofMillis(5)));
    await().atMost(Duration.ofSeconds(60)).until(worker::isReady);
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (events != null) {
      events.close();
    }
    if (requests != null) {
      requests.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static List<JobEvent> awaitEnd(String jobId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              List<JobEvent> list = events.events(jobId);
              return !list.isEmpty()
                  && EventTypes.isTerminal(list.get(list.size() - 1).getPayload());
            });
    List<JobEvent> list = events.events(jobId);
    assertThat(list)
        .extracting(JobEvent::getSeq)
        .containsExactlyElementsOf(
            IntStream.range(0, list.size()).mapToObj(i -> (long) i).toList());
    assertThat(list).extracting(JobEvent::getProducer).containsOnly("research-it-1");
    return list;
  }

  private static List<ResearchStep> steps(List<JobEvent> list) {
    return list.stream()
        .map(JobEvent::getPayload)
        .filter(ResearchStep.class::isInstance)
        .map(ResearchStep.class::cast)
        .toList();
  }

  @Test
  void emitsStepsWithSourcesAndCompletes() throws Exception {
    String jobId = "research-" + UUID.randomUUID();
    TestKafka.send(
        requests,
        TestKafka.start(
            jobId, "user-r", "research", "idem-" + jobId, Map.of("query", "event sourcing")));
    List<JobEvent> list = awaitEnd(jobId);

    assertThat(list.get(0).getPayload())
        .isEqualTo(new JobStarted("research", "query=event sourcing"));
    List<ResearchStep> steps = steps(list);
    int sources = new DeterministicResearchSource().expectedSources("event sourcing", 6);
    assertThat(sources).isBetween(3, 6);
    assertThat(steps).hasSize(sources + 2);
    assertThat(steps)
        .extracting(ResearchStep::getStep)
        .containsExactlyElementsOf(IntStream.rangeClosed(0, sources + 1).boxed().toList());
    assertThat(steps.get(0).getTitle()).isEqualTo("Planning");
    assertThat(steps.get(0).getUrl()).isNull();
    for (ResearchStep source : steps.subList(1, sources + 1)) {
      assertThat(source.getTitle()).endsWith("on event sourcing");
      assertThat(URI.create(source.getUrl()).getHost()).isEqualTo("research.example.org");
      assertThat(source.getSummary()).isNotBlank();
    }
    assertThat(steps.get(sources + 1).getTitle()).isEqualTo("Synthesis");
    assertThat(
            list.stream()
                .map(JobEvent::getPayload)
                .filter(JobProgress.class::isInstance)
                .map(p -> ((JobProgress) p).getPercent())
                .toList())
        .isSorted()
        .endsWith(100);
    assertThat(((JobCompleted) list.get(list.size() - 1).getPayload()).getResultSummary())
        .isEqualTo(sources + " sources on 'event sourcing'");
  }

  @Test
  void cancellationStopsTheResearch() throws Exception {
    // The ResearchWorker at one step per 30 s, under a job type of its own: the cancel surely
    // arrives while it waits for the first source.
    String jobType = "research-slow";
    try (RegenWorkerClient client =
            RegenWorkerClient.builder()
                .bootstrapServers(kafka.bootstrap())
                .schemaRegistry(registry)
                .workerId("research-it-1")
                .build();
        RequestLoop loop =
            client.handleRequests(
                jobType,
                new ResearchWorker(new DeterministicResearchSource(), Duration.ofSeconds(30)))) {
      String jobId = "research-" + UUID.randomUUID();
      TestKafka.send(
          requests, TestKafka.start(jobId, "user-c", jobType, null, Map.of("query", "slow")));
      await().atMost(Duration.ofSeconds(60)).until(() -> !steps(events.events(jobId)).isEmpty());
      TestKafka.send(requests, TestKafka.cancel(jobId, "user-c", jobType));
      List<JobEvent> list = awaitEnd(jobId);
      assertThat(list.get(list.size() - 1).getPayload())
          .isEqualTo(new JobCancelled("cancel requested"));
      assertThat(steps(list)).hasSize(1);
      assertThat(list.stream().filter(e -> e.getPayload() instanceof JobCompleted)).isEmpty();
      assertThat(loop.stats().cancelsDelivered()).isEqualTo(1);
    }
  }

  @Test
  void inputAskingToFailEndsWithFailed() throws Exception {
    String jobId = "research-" + UUID.randomUUID();
    TestKafka.send(
        requests,
        TestKafka.start(
            jobId, "user-f", "research", null, Map.of("query", "doomed", "fail", "true")));
    List<JobEvent> list = awaitEnd(jobId);
    JobFailed failed = (JobFailed) list.get(list.size() - 1).getPayload();
    assertThat(failed.getCode()).isEqualTo("REQUESTED_FAILURE");
    assertThat(steps(list)).hasSize(2); // the plan and the first source
  }
}
