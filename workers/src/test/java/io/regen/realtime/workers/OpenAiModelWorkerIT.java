package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.sdk.KafkaJobsFixture;
import io.regen.realtime.sdk.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code model} worker configured with {@code OPENAI_BASE_URL}: requests on a real broker, the
 * answer streamed from a scripted OpenAI-compatible server on a real socket.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OpenAiModelWorkerIT {
  private static SseModelServer server;
  private static ReferenceWorkerFixture fixture;
  private static KafkaJobsFixture jobs;

  @BeforeAll
  static void start() throws Exception {
    server = new SseModelServer((request, response) -> response.status(500, "{}"));
    OpenAiSettings openAi =
        new OpenAiSettings(
            server.baseUrl(),
            Optional.empty(),
            "llama-test",
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    fixture = ReferenceWorkerFixture.start("model", "openai-it-1", Optional.of(openAi));
    jobs = fixture.jobs();
  }

  @AfterAll
  static void stop() throws Exception {
    try (SseModelServer s = server) {
      if (fixture != null) {
        fixture.close();
      }
    }
  }

  private static String request(String prompt) throws Exception {
    String jobId = "openai-job-" + UUID.randomUUID();
    jobs.send(TestKafka.start(jobId, "user-" + jobId, "model", null, Map.of("prompt", prompt)));
    return jobId;
  }

  private static List<ModelChunk> chunks(List<JobEvent> events) {
    return events.stream()
        .map(JobEvent::getPayload)
        .filter(ModelChunk.class::isInstance)
        .map(ModelChunk.class::cast)
        .toList();
  }

  @Test
  void eachDeltaIsAChunkAndTheModelsLatencyIsInTheEvents() throws Exception {
    server.script(
        (request, response) -> {
          response.startStream();
          Thread.sleep(500); // the scripted model's time to first token
          response.delta("Kafka ");
          for (String word : new String[] {"keeps ", "order."}) {
            Thread.sleep(100);
            response.delta(word);
          }
          response.event("[DONE]");
          response.end();
        });
    String jobId = request("what keeps order?");
    List<JobEvent> events = fixture.awaitEnd(jobId);

    List<ModelChunk> chunks = chunks(events);
    // Each delta is published as it arrives; an empty final chunk marks the end.
    assertThat(chunks)
        .extracting(ModelChunk::getText)
        .containsExactly("Kafka ", "keeps ", "order.", "");
    assertThat(chunks).extracting(ModelChunk::getIndex).containsExactly(0, 1, 2, 3);
    assertThat(chunks).extracting(ModelChunk::getModel).containsOnly("llama-test");
    assertThat(chunks).extracting(ModelChunk::getFinal$).containsExactly(false, false, false, true);
    assertThat(server.requests().get(server.requests().size() - 1).body())
        .contains("\"content\":\"what keeps order?\"");

    // What the model-latency analytics read: first chunk minus start, and the completed duration.
    JobEvent started = events.get(0);
    assertThat(started.getPayload()).isInstanceOf(JobStarted.class);
    JobEvent firstChunk =
        events.stream().filter(e -> e.getPayload() instanceof ModelChunk).findFirst().orElseThrow();
    assertThat(Duration.between(started.getOccurredAt(), firstChunk.getOccurredAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    JobCompleted completed = (JobCompleted) events.get(events.size() - 1).getPayload();
    assertThat(completed.getDurationMs()).isGreaterThanOrEqualTo(700);
    assertThat(completed.getResultSummary()).isEqualTo("3 chunks, 18 characters from llama-test");
  }

  @Test
  void cancelJobClosesTheUpstreamStream() throws Exception {
    int goneBefore = server.clientsGone();
    server.script(SseModelServer.endless(20, new CountDownLatch(1)));
    String jobId = request("never ends");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> jobs.events(jobId).stream().anyMatch(e -> e.getPayload() instanceof ModelChunk));
    jobs.send(TestKafka.cancel(jobId, "user-" + jobId, "model"));

    List<JobEvent> events = fixture.awaitEnd(jobId);
    assertThat(events.get(events.size() - 1).getPayload()).isInstanceOf(JobCancelled.class);
    assertThat(events.stream().filter(e -> e.getPayload() instanceof JobFailed)).isEmpty();
    await().atMost(Duration.ofSeconds(30)).until(() -> server.clientsGone() == goneBefore + 1);
  }

  @Test
  void a429EndsTheJobAsARetryableFailure() throws Exception {
    server.script(
        (request, response) ->
            response.status(429, "{\"error\":{\"message\":\"Rate limit reached\"}}"));
    List<JobEvent> events = fixture.awaitEnd(request("busy"));
    JobFailed failed = (JobFailed) events.get(events.size() - 1).getPayload();
    assertThat(failed.getCode()).isEqualTo("GENERATION_FAILED");
    assertThat(failed.getMessage()).startsWith("model server answered HTTP 429");
    assertThat(failed.getRetryable()).isTrue();
    assertThat(chunks(events)).isEmpty();
  }

  @Test
  void aMidStreamDisconnectEndsTheJobAsARetryableFailure() throws Exception {
    CountDownLatch chunkPublished = new CountDownLatch(1);
    server.script(
        (request, response) -> {
          response.startStream();
          response.delta("partial ");
          chunkPublished.await(); // cut only once the first delta went out as a chunk
          response.cut();
        });
    String jobId = request("cut");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> jobs.events(jobId).stream().anyMatch(e -> e.getPayload() instanceof ModelChunk));
    chunkPublished.countDown();
    List<JobEvent> events = fixture.awaitEnd(jobId);
    assertThat(chunks(events)).extracting(ModelChunk::getText).containsExactly("partial ");
    JobFailed failed = (JobFailed) events.get(events.size() - 1).getPayload();
    assertThat(failed.getCode()).isEqualTo("GENERATION_FAILED");
    assertThat(failed.getMessage()).contains("model stream broke after 1 chunks");
    assertThat(failed.getRetryable()).isTrue();
  }

  @Test
  void aBadRequestEndsTheJobAsAFailureThatRetryingWillNotFix() throws Exception {
    server.script(
        (request, response) -> response.status(404, "{\"error\":{\"message\":\"no such model\"}}"));
    List<JobEvent> events = fixture.awaitEnd(request("unknown model"));
    JobFailed failed = (JobFailed) events.get(events.size() - 1).getPayload();
    assertThat(failed.getMessage()).startsWith("model server answered HTTP 404");
    assertThat(failed.getRetryable()).isFalse();
  }
}
