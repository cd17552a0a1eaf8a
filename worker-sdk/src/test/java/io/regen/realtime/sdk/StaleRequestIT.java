package io.regen.realtime.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobStarted;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A START request older than the maximum request age is not run, and its job does not stay QUEUED
 * forever: it ends as {@code job:failed:v1} with code {@code STALE}, visible to the client.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StaleRequestIT {
  @Test
  void aStaleRequestEndsItsJobAsFailedWithCodeStale() throws Exception {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    String jobType = "stale-" + unique;
    String jobId = "job-" + unique;
    AtomicInteger ran = new AtomicInteger();
    try (KafkaJobsFixture jobs = KafkaJobsFixture.start();
        RegenWorkerClient client =
            RegenWorkerClient.builder()
                .bootstrapServers(jobs.bootstrap())
                .schemaRegistry(jobs.registry())
                .workerId("w-stale")
                .groupIdPrefix("test-" + unique + "-")
                .maxRequestAge(Duration.ofMillis(1))
                .drainTimeout(Duration.ofSeconds(2))
                .build()) {
      jobs.send(TestKafka.start(jobId, "user-" + unique, jobType, null));
      try (RequestLoop loop =
          client.handleRequests(
              jobType,
              context -> {
                ran.incrementAndGet();
                context.job().complete("should not run");
              })) {
        List<JobEvent> events = jobs.awaitTerminal(jobId);
        assertThat(events)
            .extracting(e -> e.getPayload().getClass().getSimpleName())
            .containsExactly(JobStarted.class.getSimpleName(), JobFailed.class.getSimpleName());
        JobFailed failed = (JobFailed) events.get(1).getPayload();
        assertThat(failed.getCode()).isEqualTo(RequestLoop.STALE_CODE);
        assertThat(failed.getMessage()).contains("older than");
        assertThat(failed.getRetryable()).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> loop.stats().staleSkipped() == 1);
        assertThat(ran).hasValue(0);
      }
    }
  }
}
