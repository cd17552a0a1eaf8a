package io.regen.realtime.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invalid events are refused with a clear message before anything is sent. */
class EventValidationTest {
  private MockProducer<String, JobEvent> producer;
  private RegenWorkerClient client;

  @BeforeEach
  void setUp() {
    client = clientWith(EventLimits.DEFAULT);
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private RegenWorkerClient clientWith(EventLimits limits) {
    producer =
        new MockProducer<>(
            true,
            null,
            new StringSerializer(),
            new RegistrySerdes(new InMemorySchemaRegistryClient())
                .valueSerializer(Topics.JOB_EVENTS));
    return RegenWorkerClient.builder().workerId("w-1").producer(producer).limits(limits).build();
  }

  @Test
  void missingIdsAreRefusedAtStart() {
    assertRefused(() -> client.startJob(null, "u1", "model", ""), "jobId is missing");
    assertRefused(() -> client.startJob("  ", "u1", "model", ""), "jobId is missing");
    assertRefused(() -> client.startJob("j1", "", "model", ""), "userId is missing");
    assertRefused(() -> client.startJob("j1", "u1", " ", ""), "jobType is missing");
    assertRefused(() -> client.startJob("j1", "u1", null, ""), "jobType is missing");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void overlongIdsAreRefused() {
    String longId = "j".repeat(257);
    assertRefused(
        () -> client.startJob(longId, "u1", "model", ""),
        "jobId is 257 characters, the limit is 256");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void percentOutsideZeroToHundredIsRefusedAndTheSeqStaysFree() {
    JobHandle job = client.startJob("j1", "u1", "model", "");
    assertThat(producer.history()).hasSize(1);

    assertRefused(
        () -> job.progress(-1, "x"),
        "Invalid job:progress:v1 event for job j1: percent must be between 0 and 100, was -1");
    assertRefused(() -> job.progress(101, "x"), "percent must be between 0 and 100, was 101");
    assertThat(producer.history()).hasSize(1);
    assertThat(job.nextSeq()).isEqualTo(1);

    assertThat(job.progress(100, "all done").join().seq()).isEqualTo(1);
    assertThat(job.progress(0, "").join().seq()).isEqualTo(2);
  }

  @Test
  void badModelChunksAreRefused() {
    JobHandle job = client.startJob("j1", "u1", "model", "");
    assertRefused(
        () -> job.modelChunk("m", -1, "x", false),
        "Invalid model:chunk:v1 event for job j1: chunk index must be >= 0, was -1");
    assertRefused(() -> job.modelChunk("m", 0, null, false), "chunk text is missing");
    assertRefused(() -> job.modelChunk(" ", 0, "x", false), "model is missing");
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void badResearchStepsAndFailuresAreRefused() {
    JobHandle job = client.startJob("j1", "u1", "research", "");
    assertRefused(() -> job.researchStep(-1, "t", null, ""), "step must be >= 0, was -1");
    assertRefused(() -> job.researchStep(0, "", null, ""), "title is missing");
    assertRefused(
        () -> job.researchStep(0, "t", "/relative/path", ""),
        "url must be absolute with a scheme and host");
    assertRefused(
        () -> job.researchStep(0, "t", "http://exa mple.org", ""), "url is not a valid URI");
    assertRefused(
        () -> job.fail("", "boom", false),
        "Invalid job:failed:v1 event for job j1: code is missing");
    assertThat(producer.history()).hasSize(1);
    job.researchStep(0, "t", "https://example.org/a", "found").join();
    assertThat(producer.history()).hasSize(2);
  }

  @Test
  void oversizedTextsAreRefused() {
    JobHandle job = client.startJob("j1", "u1", "model", "");
    assertRefused(
        () -> job.modelChunk("m", 0, "x".repeat(70_000), false), "the limit is 65536 bytes");
    // 40,000 characters but 80,000 UTF-8 bytes: the limit counts bytes.
    assertRefused(() -> job.progress(5, "é".repeat(40_000)), "the limit is 65536 bytes");
    assertRefused(() -> job.complete("s".repeat(66_000)), "Invalid job:completed:v1");
    assertThat(producer.history()).hasSize(1);
    job.modelChunk("m", 0, "x".repeat(60_000), false).join();
    assertThat(producer.history()).hasSize(2);
  }

  @Test
  void sizeLimitIsConfigurable() {
    client.close();
    client = clientWith(new EventLimits(1024, 64));
    assertRefused(
        () -> client.startJob("j1", "u1", "model", "s".repeat(2000)),
        "Invalid job:started:v1 event for job j1: the event would be about");
    assertRefused(() -> client.startJob("j".repeat(65), "u1", "model", ""), "the limit is 64");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void nothingFollowsATerminalEvent() {
    JobHandle job = client.startJob("j1", "u1", "model", "");
    job.complete("done").join();
    assertThat(job.isEnded()).isTrue();
    assertRefused(
        () -> job.progress(50, "late"),
        "Invalid job:progress:v1 event for job j1: the job already ended with job:completed:v1"
            + " (seq 1); no event may follow a terminal event");
    assertRefused(() -> job.fail("E", "late", false), "already ended with job:completed:v1");
    assertRefused(() -> job.cancel("late"), "already ended");
    assertThat(producer.history()).hasSize(2);

    JobHandle cancelled = client.startJob("j2", "u1", "model", "");
    cancelled.cancel("user asked").join();
    assertRefused(() -> cancelled.complete("x"), "already ended with job:cancelled:v1");
  }

  @Test
  void builderRequiresAWorkerIdAndAWayToPublish() {
    assertThatThrownBy(() -> RegenWorkerClient.builder().producer(producer).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerId is required");
    assertThatThrownBy(() -> RegenWorkerClient.builder().workerId("w").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrapServers is required");
    assertThatThrownBy(
            () -> RegenWorkerClient.builder().workerId("w").bootstrapServers("localhost:1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schemaRegistry is required");
  }

  private static void assertRefused(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOf(InvalidEventException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
