package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.sdk.KafkaJobsFixture;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.sdk.TestKafka;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The model worker on a real broker: request in, decoded events out. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ModelWorkerIT {
  private static ReferenceWorkerFixture fixture;
  private static KafkaJobsFixture jobs;

  @BeforeAll
  static void start() throws Exception {
    fixture = ReferenceWorkerFixture.start("model", "model-it-1");
    jobs = fixture.jobs();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static String request(Map<String, String> input) throws Exception {
    String jobId = "model-job-" + UUID.randomUUID();
    jobs.send(TestKafka.start(jobId, "user-" + jobId, "model", null, input));
    return jobId;
  }

  private static String text(List<JobEvent> events) {
    StringBuilder text = new StringBuilder();
    events.stream()
        .map(JobEvent::getPayload)
        .filter(ModelChunk.class::isInstance)
        .map(ModelChunk.class::cast)
        .forEach(c -> text.append(c.getText()));
    return text.toString();
  }

  @Test
  void streamsChunksWithProgressAndCompletes() throws Exception {
    String jobId = request(Map.of("prompt", "hello kafka", "chunks", "20"));
    List<JobEvent> list = fixture.awaitEnd(jobId);

    assertThat(list.get(0).getPayload())
        .isEqualTo(new JobStarted("model", "chunks=20, prompt=hello kafka"));
    assertThat(list.get(1).getPayload())
        .isEqualTo(new JobProgress(0, "generating with regen-small"));
    List<ModelChunk> chunks =
        list.stream()
            .map(JobEvent::getPayload)
            .filter(ModelChunk.class::isInstance)
            .map(ModelChunk.class::cast)
            .toList();
    assertThat(chunks).hasSize(20);
    assertThat(chunks)
        .extracting(ModelChunk::getIndex)
        .containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
    assertThat(chunks).extracting(ModelChunk::getModel).containsOnly("regen-small");
    assertThat(chunks.subList(0, 19)).extracting(ModelChunk::getFinal$).containsOnly(false);
    assertThat(chunks.get(19).getFinal$()).isTrue();

    List<Integer> percents =
        list.stream()
            .map(JobEvent::getPayload)
            .filter(JobProgress.class::isInstance)
            .map(p -> ((JobProgress) p).getPercent())
            .toList();
    assertThat(percents).isSorted().startsWith(0).endsWith(100).hasSizeGreaterThan(5);

    JobCompleted completed = (JobCompleted) list.get(list.size() - 1).getPayload();
    String text = text(list);
    assertThat(completed.getResultSummary())
        .isEqualTo("20 chunks, " + text.length() + " characters from regen-small");

    // The same code path with the same generator, outside Kafka, gives the same text.
    StringBuilder expected = new StringBuilder();
    Iterator<String> direct = new DeterministicTextGenerator().stream("hello kafka", 20);
    direct.forEachRemaining(expected::append);
    assertThat(text).isEqualTo(expected.toString()).endsWith(".");
  }

  @Test
  void theSamePromptGivesTheSameTextAndAnotherPromptAnother() throws Exception {
    String first = request(Map.of("prompt", "same input"));
    String second = request(Map.of("prompt", "same input"));
    String other = request(Map.of("prompt", "other input"));
    String a = text(fixture.awaitEnd(first));
    String b = text(fixture.awaitEnd(second));
    String c = text(fixture.awaitEnd(other));
    assertThat(a).isNotBlank().isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void cancellationStopsTheStream() throws Exception {
    String jobId = "model-job-" + UUID.randomUUID();
    // A long stream: 10000 chunks at 5 ms each would take 50 s; it is cancelled long before.
    jobs.send(
        TestKafka.start(
            jobId, "user-c", "model", null, Map.of("chunks", "10000", "prompt", "long")));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> jobs.events(jobId).stream().anyMatch(e -> e.getPayload() instanceof ModelChunk));
    jobs.send(TestKafka.cancel(jobId, "user-c", "model"));

    List<JobEvent> list = fixture.awaitEnd(jobId);
    assertThat(list.get(list.size() - 1).getPayload()).isInstanceOf(JobCancelled.class);
    assertThat(list.stream().filter(e -> e.getPayload() instanceof ModelChunk).count())
        .isLessThan(10000);
    assertThat(list.stream().filter(e -> e.getPayload() instanceof JobCompleted)).isEmpty();
  }

  @Test
  void inputAskingToFailEndsWithFailed() throws Exception {
    String jobId = request(Map.of("prompt", "doomed", "chunks", "10", "fail", "true"));
    List<JobEvent> list = fixture.awaitEnd(jobId);
    JobFailed failed = (JobFailed) list.get(list.size() - 1).getPayload();
    assertThat(failed.getCode()).isEqualTo("REQUESTED_FAILURE");
    assertThat(failed.getRetryable()).isFalse();
    assertThat(list.stream().filter(e -> e.getPayload() instanceof ModelChunk).count())
        .isEqualTo(5);
  }

  @Test
  void invalidInputEndsWithFailed() throws Exception {
    String jobId = request(Map.of("chunks", "lots"));
    List<JobEvent> list = fixture.awaitEnd(jobId);
    assertThat(list).hasSize(2);
    JobFailed failed = (JobFailed) list.get(1).getPayload();
    assertThat(failed.getCode()).isEqualTo("INVALID_INPUT");
    assertThat(failed.getMessage()).contains("chunks must be a number from 1 to 10000, was 'lots'");
  }

  @Test
  void anExceptionInGenerationEndsWithFailed() throws Exception {
    TextGenerator broken =
        new TextGenerator() {
          @Override
          public String model() {
            return "broken-model";
          }

          @Override
          public TextStream stream(String prompt, int maxChunks) {
            Iterator<String> inner = new DeterministicTextGenerator().stream(prompt, maxChunks);
            return new TextStream() {
              private int n;

              @Override
              public boolean hasNext() {
                return inner.hasNext();
              }

              @Override
              public String next() {
                if (++n > 3) {
                  throw new GenerationException("model backend timed out", true);
                }
                return inner.next();
              }
            };
          }

          @Override
          public int expectedChunks(String prompt, int maxChunks) {
            return maxChunks;
          }
        };
    // The ModelWorker with the broken generator, under a job type of its own so that it, not the
    // shared worker, takes the request.
    String jobType = "model-broken";
    try (RegenWorkerClient client =
            RegenWorkerClient.builder()
                .bootstrapServers(jobs.bootstrap())
                .schemaRegistry(jobs.registry())
                .workerId("model-broken")
                .build();
        RequestLoop loop = client.handleRequests(jobType, new ModelWorker(broken, Duration.ZERO))) {
      String jobId = "model-job-" + UUID.randomUUID();
      jobs.send(TestKafka.start(jobId, "user-b", jobType, null, Map.of("chunks", "10")));
      List<JobEvent> list = jobs.awaitTerminal(jobId);
      assertThat(list.stream().filter(e -> e.getPayload() instanceof ModelChunk).count())
          .isEqualTo(3);
      JobFailed failed = (JobFailed) list.get(list.size() - 1).getPayload();
      assertThat(failed.getCode()).isEqualTo("GENERATION_FAILED");
      assertThat(failed.getMessage()).isEqualTo("model backend timed out");
      assertThat(failed.getRetryable()).isTrue();
    }
  }
}
