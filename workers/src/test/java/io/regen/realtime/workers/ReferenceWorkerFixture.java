package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.sdk.KafkaJobsFixture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * One reference worker (5 ms between chunks) serving its job type on a {@link KafkaJobsFixture}.
 */
final class ReferenceWorkerFixture implements AutoCloseable {
  private final KafkaJobsFixture jobs;
  private final String workerId;
  private final RunningWorker worker;

  private ReferenceWorkerFixture(KafkaJobsFixture jobs, String workerId, RunningWorker worker) {
    this.jobs = jobs;
    this.workerId = workerId;
    this.worker = worker;
  }

  /** Starts a broker, then the worker; returns once the worker is ready (up to 60 s). */
  static ReferenceWorkerFixture start(String jobType, String workerId) throws Exception {
    return start(jobType, workerId, Optional.empty());
  }

  /** Like {@link #start(String, String)}, a model worker streaming from {@code openAi} if given. */
  static ReferenceWorkerFixture start(
      String jobType, String workerId, Optional<OpenAiSettings> openAi) throws Exception {
    KafkaJobsFixture jobs = KafkaJobsFixture.start();
    ReferenceWorkerFixture fixture;
    try {
      RunningWorker worker =
          ReferenceWorkers.start(
              jobType,
              WorkerSettings.of(jobs.bootstrap(), jobs.registry(), workerId)
                  .withChunkDelay(Duration.ofMillis(5)),
              openAi);
      fixture = new ReferenceWorkerFixture(jobs, workerId, worker);
    } catch (Exception | Error e) {
      jobs.close();
      throw e;
    }
    try {
      await().atMost(Duration.ofSeconds(60)).until(fixture.worker::isReady);
    } catch (Exception | Error e) {
      fixture.close();
      throw e;
    }
    return fixture;
  }

  KafkaJobsFixture jobs() {
    return jobs;
  }

  /**
   * Waits until the job ends; asserts its events are numbered 0, 1, ... and all come from this
   * worker.
   */
  List<JobEvent> awaitEnd(String jobId) {
    List<JobEvent> list = jobs.awaitTerminal(jobId);
    assertThat(list)
        .extracting(JobEvent::getSeq)
        .containsExactlyElementsOf(LongStream.range(0, list.size()).boxed().toList());
    assertThat(list).extracting(JobEvent::getProducer).containsOnly(workerId);
    return list;
  }

  @Override
  public void close() throws Exception {
    try (jobs) {
      worker.close();
    }
  }
}
