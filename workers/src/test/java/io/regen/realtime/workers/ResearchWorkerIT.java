package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.sdk.KafkaJobsFixture;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.sdk.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The research worker on a real broker: request in, decoded events out. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResearchWorkerIT {
  private static ReferenceWorkerFixture fixture;
  private static KafkaJobsFixture jobs;

  @BeforeAll
  static void start() throws Exception {
    fixture = ReferenceWorkerFixture.start("research", "research-it-1");
    jobs = fixture.jobs();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
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
    jobs.send(
        TestKafka.start(
            jobId, "user-r", "research", "idem-" + jobId, Map.of("query", "event sourcing")));
    List<JobEvent> list = fixture.awaitEnd(jobId);

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
                .bootstrapServers(jobs.bootstrap())
                .schemaRegistry(jobs.registry())
                .workerId("research-it-1")
                .build();
        RequestLoop loop =
            client.handleRequests(
                jobType,
                new ResearchWorker(new DeterministicResearchSource(), Duration.ofSeconds(30)))) {
      String jobId = "research-" + UUID.randomUUID();
      jobs.send(TestKafka.start(jobId, "user-c", jobType, null, Map.of("query", "slow")));
      await().atMost(Duration.ofSeconds(60)).until(() -> !steps(jobs.events(jobId)).isEmpty());
      jobs.send(TestKafka.cancel(jobId, "user-c", jobType));
      List<JobEvent> list = fixture.awaitEnd(jobId);
      assertThat(list.get(list.size() - 1).getPayload())
          .isEqualTo(new JobCancelled("cancel requested"));
      assertThat(steps(list)).hasSize(1);
      assertThat(list.stream().filter(e -> e.getPayload() instanceof JobCompleted)).isEmpty();
      // The polling thread counts the cancel after handing it over; the job may publish first.
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.stats().cancelsDelivered() == 1);
    }
  }

  @Test
  void inputAskingToFailEndsWithFailed() throws Exception {
    String jobId = "research-" + UUID.randomUUID();
    jobs.send(
        TestKafka.start(
            jobId, "user-f", "research", null, Map.of("query", "doomed", "fail", "true")));
    List<JobEvent> list = fixture.awaitEnd(jobId);
    JobFailed failed = (JobFailed) list.get(list.size() - 1).getPayload();
    assertThat(failed.getCode()).isEqualTo("REQUESTED_FAILURE");
    assertThat(steps(list)).hasSize(2); // the plan and the first source
  }
}
