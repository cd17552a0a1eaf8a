package io.regen.realtime.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.schemas.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request loops on a real broker: duplicates (also after a restart) start a job once, CANCEL
 * reaches the running job, undecodable records are skipped.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RequestIdempotencyIT {
  private static KafkaJobsFixture jobs;

  private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
  private String jobType;
  private String groupPrefix;
  private String user;

  @BeforeAll
  static void startBroker() throws Exception {
    jobs = KafkaJobsFixture.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (jobs != null) {
      jobs.close();
    }
  }

  @BeforeEach
  void names() {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    jobType = "type-" + unique; // each test sees only its own requests
    groupPrefix = "test-" + unique + "-";
    user = "user-" + unique;
  }

  @AfterEach
  void noLeftovers() {
    handled.clear();
  }

  private RegenWorkerClient client(String workerId) {
    return RegenWorkerClient.builder()
        .bootstrapServers(jobs.bootstrap())
        .schemaRegistry(jobs.registry())
        .workerId(workerId)
        .groupIdPrefix(groupPrefix)
        .drainTimeout(Duration.ofSeconds(2))
        .build();
  }

  private JobRequestHandler countingHandler() {
    return context -> {
      handled
          .computeIfAbsent(context.request().getJobId(), id -> new AtomicInteger())
          .incrementAndGet();
      context.job().progress(50, "half");
      context.job().complete("ok");
    };
  }

  private int handledCount(String jobId) {
    AtomicInteger count = handled.get(jobId);
    return count == null ? 0 : count.get();
  }

  private long startedEvents(String jobId) {
    return jobs.events(jobId).stream().filter(e -> e.getPayload() instanceof JobStarted).count();
  }

  @Test
  void duplicateRequestsStartTheJobOnce() throws Exception {
    String jobA = "job-a-" + UUID.randomUUID();
    String jobB = "job-b-" + UUID.randomUUID();
    String jobC = "job-c-" + UUID.randomUUID();
    try (RegenWorkerClient client = client("w-dup");
        RequestLoop loop = client.handleRequests(jobType, countingHandler())) {
      jobs.send(TestKafka.start(jobA, user, jobType, "key-1"));
      jobs.send(TestKafka.start(jobA, user, jobType, "key-1")); // same record again
      jobs.send(TestKafka.start(jobA, user, jobType, null)); // same jobId
      await().atMost(Duration.ofSeconds(60)).until(() -> handledCount(jobA) == 1);
      // A retry under a new jobId with the same idempotency key. It lands on another partition, so
      // it is sent after the first was read: across partitions, the request read first wins.
      jobs.send(TestKafka.start(jobB, user, jobType, "key-1"));
      jobs.send(TestKafka.start(jobC, user, jobType, "key-2")); // a different job

      await().atMost(Duration.ofSeconds(60)).until(() -> loop.stats().jobsFinished() == 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> loop.stats().duplicatesSkipped() == 3);
      assertThat(handledCount(jobA)).isEqualTo(1);
      assertThat(handledCount(jobB)).isZero();
      assertThat(handledCount(jobC)).isEqualTo(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(jobC).size() == 3);
      await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(jobA).size() == 3);
      assertThat(startedEvents(jobA)).isEqualTo(1);
      assertThat(jobs.events(jobB)).isEmpty();
      assertThat(jobs.events(jobA)).extracting(JobEvent::getSeq).containsExactly(0L, 1L, 2L);
    }
  }

  @Test
  void aRedeliveryAfterTheWorkerRestartsDoesNotStartTheJobAgain() throws Exception {
    String jobA = "job-a-" + UUID.randomUUID();
    String jobB = "job-b-" + UUID.randomUUID();
    String jobC = "job-c-" + UUID.randomUUID();
    try (RegenWorkerClient client = client("w-before");
        RequestLoop loop = client.handleRequests(jobType, countingHandler())) {
      jobs.send(TestKafka.start(jobA, user, jobType, "key-a"));
      await().atMost(Duration.ofSeconds(60)).until(() -> loop.stats().jobsFinished() == 1);
    }
    assertThat(handledCount(jobA)).isEqualTo(1);

    // While no worker runs, the request is delivered again, by jobId and by idempotency key.
    jobs.send(TestKafka.start(jobA, user, jobType, "key-a"));
    jobs.send(TestKafka.start(jobB, user, jobType, "key-a"));
    jobs.send(TestKafka.start(jobC, user, jobType, "key-c"));

    try (RegenWorkerClient client = client("w-after");
        RequestLoop loop = client.handleRequests(jobType, countingHandler())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> loop.stats().jobsFinished() == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> loop.stats().duplicatesSkipped() == 2);
      assertThat(handledCount(jobC)).isEqualTo(1);
    }
    assertThat(handledCount(jobA)).isEqualTo(1);
    assertThat(handledCount(jobB)).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(jobC).size() == 3);
    assertThat(startedEvents(jobA)).isEqualTo(1);
    assertThat(jobs.events(jobB)).isEmpty();
  }

  @Test
  void cancelReachesTheRunningJob() throws Exception {
    String jobId = "job-cancel-" + UUID.randomUUID();
    AtomicInteger callbacks = new AtomicInteger();
    JobRequestHandler waitsForCancel =
        context -> {
          context.onCancel(callbacks::incrementAndGet);
          context.job().progress(1, "waiting");
          context.awaitCancellation(Duration.ofSeconds(60));
        };
    try (RegenWorkerClient client = client("w-cancel");
        RequestLoop loop = client.handleRequests(jobType, waitsForCancel)) {
      jobs.send(TestKafka.start(jobId, user, jobType, null));
      await().atMost(Duration.ofSeconds(60)).until(() -> jobs.events(jobId).size() == 2);
      assertThat(loop.stats().running()).isEqualTo(1);

      jobs.send(TestKafka.cancel(jobId, user, jobType));

      await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(jobId).size() == 3);
      JobEvent last = jobs.events(jobId).get(2);
      assertThat(last.getSeq()).isEqualTo(2);
      assertThat(last.getPayload()).isEqualTo(new JobCancelled("cancel requested"));
      // The polling thread counts the cancel after handing it over; the job may publish first.
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.stats().cancelsDelivered() == 1);
      assertThat(callbacks.get()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.stats().running() == 0);
    }
  }

  @Test
  void undecodableRecordsAreSkippedAndTheLoopGoesOn() throws Exception {
    String jobId = "job-after-garbage-" + UUID.randomUUID();
    try (RegenWorkerClient client = client("w-garbage");
        RequestLoop loop = client.handleRequests(jobType, countingHandler())) {
      jobs.kafka()
          .sendGarbageRequest("garbage", "not avro at all".getBytes(StandardCharsets.UTF_8));
      jobs.kafka()
          .sendGarbageRequest("garbage", new byte[] {0, 0, 0, 0, 99, 1, 2}); // unknown schema id
      jobs.send(TestKafka.start(jobId, user, jobType, null));

      await().atMost(Duration.ofSeconds(60)).until(() -> handledCount(jobId) == 1);
      // The garbage is keyed otherwise than the job, so it may sit on a partition read later.
      await().atMost(Duration.ofSeconds(30)).until(() -> loop.stats().malformedSkipped() >= 2);
      assertThat(loop.isRunning()).isTrue();
    }
  }

  @Test
  void aFailingHandlerEndsTheJobWithFailedAndShutdownFailsRunningJobsRetryably() throws Exception {
    String failing = "job-throws-" + UUID.randomUUID();
    String slow = "job-slow-" + UUID.randomUUID();
    JobRequestHandler handler =
        context -> {
          if (context.request().getJobId().equals(failing)) {
            throw new IllegalStateException("model exploded");
          }
          while (!context.isCancelled()) {
            context.awaitCancellation(Duration.ofMillis(50));
          }
        };
    RequestLoop loop;
    try (RegenWorkerClient client = client("w-fail")) {
      loop = client.handleRequests(jobType, handler);
      jobs.send(TestKafka.start(failing, user, jobType, null));
      jobs.send(TestKafka.start(slow, user, jobType, null));
      await().atMost(Duration.ofSeconds(60)).until(() -> jobs.events(failing).size() == 2);
      await().atMost(Duration.ofSeconds(60)).until(() -> jobs.events(slow).size() == 1);
    } // closing the client closes the loop: the slow job is cut off after the drain timeout
    assertThat(loop.isRunning()).isFalse();

    JobFailed failed = (JobFailed) jobs.events(failing).get(1).getPayload();
    assertThat(failed.getCode()).isEqualTo("WORKER_ERROR");
    assertThat(failed.getMessage()).contains("model exploded");
    assertThat(failed.getRetryable()).isFalse();

    await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(slow).size() == 2);
    JobFailed shutdown = (JobFailed) jobs.events(slow).get(1).getPayload();
    assertThat(shutdown.getCode()).isEqualTo("WORKER_SHUTDOWN");
    assertThat(shutdown.getRetryable()).isTrue();
    assertThat(
            List.of(jobs.events(slow).get(1), jobs.events(failing).get(1)).stream()
                .map(e -> EventTypes.wireName(e.getPayload())))
        .containsOnly(EventTypes.JOB_FAILED);
  }

  @Test
  void aQueuedJobNotStartedAtShutdownIsLeftForTheNextWorker() throws Exception {
    String slow = "job-slow-" + UUID.randomUUID();
    String queued = "job-queued-" + UUID.randomUUID();
    JobRequestHandler handler =
        context -> {
          handled
              .computeIfAbsent(context.request().getJobId(), id -> new AtomicInteger())
              .incrementAndGet();
          if (context.request().getJobId().equals(slow)) {
            context.awaitCancellation(Duration.ofSeconds(60));
          }
        };
    RegenWorkerClient first =
        RegenWorkerClient.builder()
            .bootstrapServers(jobs.bootstrap())
            .schemaRegistry(jobs.registry())
            .workerId("w-first")
            .groupIdPrefix(groupPrefix)
            .concurrency(1) // the second job waits in the queue behind the slow one
            .drainTimeout(Duration.ofMillis(500))
            .build();
    try (first) {
      RequestLoop loop = first.handleRequests(jobType, handler);
      jobs.send(TestKafka.start(slow, user, jobType, null));
      await().atMost(Duration.ofSeconds(60)).until(() -> handledCount(slow) == 1);
      // Sent once the slow job holds the only job thread (partitions are read in no fixed order).
      jobs.send(TestKafka.start(queued, user, jobType, null));
      await().atMost(Duration.ofSeconds(30)).until(() -> loop.stats().running() == 2);
    }
    assertThat(handledCount(queued)).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(slow).size() == 2);
    assertThat(((JobFailed) jobs.events(slow).get(1).getPayload()).getCode())
        .isEqualTo("WORKER_SHUTDOWN");

    try (RegenWorkerClient second = client("w-second");
        RequestLoop loop = second.handleRequests(jobType, handler)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> handledCount(queued) == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(queued).size() == 2);
      // The slow job ended (WORKER_SHUTDOWN) and was committed: not run again.
      assertThat(handledCount(slow)).isEqualTo(1);
      assertThat(jobs.events(queued).get(0).getProducer()).isEqualTo("w-second");
    }
  }

  @Test
  void oneHandlerServesSeveralJobTypesEachInItsOwnGroup() throws Exception {
    String typeA = jobType + "-a";
    String typeB = jobType + "-b";
    String jobA = "job-a-" + UUID.randomUUID();
    String jobB = "job-b-" + UUID.randomUUID();
    try (RegenWorkerClient client = client("w-multi");
        RequestLoop loop =
            client.handleRequests(java.util.Set.of(typeA, typeB), countingHandler())) {
      assertThat(loop.jobTypes()).containsExactlyInAnyOrder(typeA, typeB);
      jobs.send(TestKafka.start(jobA, user, typeA, null));
      jobs.send(TestKafka.start(jobB, user, typeB, null));
      await().atMost(Duration.ofSeconds(60)).until(() -> loop.stats().jobsFinished() == 2);
      assertThat(loop.isAssigned()).isTrue();
      assertThat(loop.isRunning()).isTrue();
    }
    assertThat(handledCount(jobA)).isEqualTo(1);
    assertThat(handledCount(jobB)).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> jobs.events(jobB).size() == 3);
    assertThat(((JobStarted) jobs.events(jobB).get(0).getPayload()).getJobType()).isEqualTo(typeB);
  }
}
