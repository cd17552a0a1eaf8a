package io.regen.realtime.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.schemas.registry.SwitchableSchemaRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker whose registry is down when a request arrives (its writer schema not cached yet) does
 * not drop the request as malformed: it reads it again and runs the job once the registry is back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RequestRegistryOutageIT {
  @Test
  void aRequestReadDuringARegistryOutageRunsOnceTheRegistryIsBack() throws Exception {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    String jobType = "outage-" + unique;
    String jobId = "job-" + unique;
    try (KafkaJobsFixture jobs = KafkaJobsFixture.start()) {
      SwitchableSchemaRegistry registry = new SwitchableSchemaRegistry(jobs.registry());
      jobs.send(TestKafka.start(jobId, "user-" + unique, jobType, null));
      registry.goDown();
      try (RegenWorkerClient client =
              RegenWorkerClient.builder()
                  .bootstrapServers(jobs.bootstrap())
                  .schemaRegistry(registry)
                  .workerId("w-outage")
                  .groupIdPrefix("test-" + unique + "-")
                  .drainTimeout(Duration.ofSeconds(2))
                  .build();
          RequestLoop loop =
              client.handleRequests(jobType, context -> context.job().complete("done"))) {
        // Read (and refused) at least three times: the loop keeps retrying the same record.
        await().atMost(Duration.ofSeconds(60)).until(() -> registry.refusedCalls() >= 3);
        assertThat(loop.stats().malformedSkipped()).isZero();
        assertThat(loop.stats().jobsStarted()).isZero();

        registry.comeBack();
        jobs.awaitTerminal(jobId);
        await().atMost(Duration.ofSeconds(30)).until(() -> loop.stats().jobsFinished() == 1);
        assertThat(loop.stats().malformedSkipped()).isZero();
        assertThat(jobs.events(jobId)).hasSize(2); // started, completed: exactly once
      }
    }
  }
}
