package io.regen.realtime.streams;

import static io.regen.realtime.testsupport.TestJobEvents.cancelled;
import static io.regen.realtime.testsupport.TestJobEvents.chunk;
import static io.regen.realtime.testsupport.TestJobEvents.completed;
import static io.regen.realtime.testsupport.TestJobEvents.failed;
import static io.regen.realtime.testsupport.TestJobEvents.progress;
import static io.regen.realtime.testsupport.TestJobEvents.started;
import static io.regen.realtime.testsupport.TestJobEvents.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import io.regen.realtime.streams.state.JobSummary;
import io.regen.realtime.streams.state.LogPosition;
import io.regen.realtime.testsupport.TestJobEvents;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStateTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @TempDir Path stateDir;
  private TestDriverSupport t;

  private TestDriverSupport driver() {
    return driver(s -> s);
  }

  private TestDriverSupport driver(java.util.function.UnaryOperator<TopologySettings> tune) {
    t = new TestDriverSupport(stateDir, tune);
    return t;
  }

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  private JobState state(String jobId) {
    return t.store(Stores.JOB_STATE).get(jobId);
  }

  /** The state as a query sees it: the stored state with its chunks put together. */
  private JobState view(String jobId) {
    return JobResponses.read(state(jobId), t.store(Stores.JOB_RESPONSE_CHUNKS)).orElseThrow();
  }

  /** Every entry of the chunk store, in key order. */
  private List<KeyValue<ResponseChunkKey, String>> chunkEntries() {
    List<KeyValue<ResponseChunkKey, String>> out = new java.util.ArrayList<>();
    try (var it = t.store(Stores.JOB_RESPONSE_CHUNKS).all()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void jobStateReadsTheEventsWhereTheyAreAndRepartitionsOnlyRequests() {
    TopologyDescription described =
        RegenTopology.build(
                TopologySettings.defaults(new RegistrySerdes(new InMemorySchemaRegistryClient())))
            .describe();
    TopologyDescription.Subtopology jobState =
        described.subtopologies().stream()
            .filter(
                sub -> sub.nodes().stream().anyMatch(n -> n.name().equals("job-state-processor")))
            .findFirst()
            .orElseThrow();
    Set<String> sources = new TreeSet<>();
    Set<String> sinks = new TreeSet<>();
    for (TopologyDescription.Subtopology sub : described.subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Sink sink) {
          sinks.add(sink.topic());
        }
        if (sub == jobState && node instanceof TopologyDescription.Source source) {
          sources.addAll(source.topicSet());
        }
      }
    }
    // The events are read from jobs.events.v1 itself (no copy written to Kafka): only the
    // requests (one per job) and the session activity are repartitioned by userId.
    assertThat(sources)
        .containsExactlyInAnyOrder(
            Topics.JOB_EVENTS.name(), JobStateTopology.REQUESTS_REPARTITION + "-repartition");
    assertThat(sinks)
        .containsExactlyInAnyOrder(
            JobStateTopology.REQUESTS_REPARTITION + "-repartition",
            AnalyticsTopology.REPARTITION + "-repartition");
  }

  @Test
  void aRequestReKeyedByItsUserMeetsTheUsersEvents() {
    // Stored under the jobId, routed by the userId: the request (key jobId on its topic, re-keyed
    // by
    // its userId) and the events (key userId) update one state.
    driver();
    t.request("u1", "j1", "model", T0);
    t.event("u1", "j1", 0, T0.plusMillis(10), started("model"));
    JobState s = state("j1");
    assertThat(s.getUserId()).isEqualTo("u1");
    assertThat(s.getRequestedAt()).isEqualTo(T0);
    assertThat(s.getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(s.getFirstPosition()).isEqualTo(new LogPosition(0, 0L));
  }

  @Test
  void requestQueuesThenEventsRunAndComplete() {
    driver();
    t.request("u1", "j1", "model", T0);
    JobState queued = state("j1");
    assertThat(queued.getStatus()).isEqualTo(JobStatus.QUEUED);
    assertThat(queued.getRequestedAt()).isEqualTo(T0);
    assertThat(queued.getJobType()).isEqualTo("model");
    assertThat(queued.getFirstPosition()).isNull();

    t.event("u1", "j1", 0, T0.plusMillis(100), started("model"));
    JobState running = state("j1");
    assertThat(running.getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(running.getStartedAt()).isEqualTo(T0.plusMillis(100));

    t.event("u1", "j1", 1, T0.plusMillis(200), progress(40));
    t.event("u1", "j1", 2, T0.plusMillis(300), chunk("gpt-x", 0, "Hello, "));
    t.event("u1", "j1", 3, T0.plusMillis(400), chunk("gpt-x", 1, "world"));
    t.event("u1", "j1", 4, T0.plusMillis(500), step(1));
    JobState mid = view("j1");
    assertThat(mid.getProgressPercent()).isEqualTo(40);
    assertThat(mid.getResponseSoFar()).isEqualTo("Hello, world");
    assertThat(mid.getModel()).isEqualTo("gpt-x");
    assertThat(mid.getResearchSteps()).hasSize(1);

    t.event("u1", "j1", 5, T0.plusMillis(900), completed(800));
    JobState done = state("j1");
    assertThat(done.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.getProgressPercent()).isEqualTo(100);
    assertThat(done.getCompletedAt()).isEqualTo(T0.plusMillis(900));
    assertThat(done.getUpdatedAt()).isEqualTo(T0.plusMillis(900));
    assertThat(done.getDurationMs()).isEqualTo(800L);
    assertThat(done.getResultSummary()).isEqualTo("done");
    assertThat(done.getLastSeq()).isEqualTo(5);
    assertThat(done.getEventCounts())
        .containsEntry(EventTypes.JOB_STARTED, 1L)
        .containsEntry(EventTypes.JOB_PROGRESS, 1L)
        .containsEntry(EventTypes.MODEL_CHUNK, 2L)
        .containsEntry(EventTypes.RESEARCH_STEP, 1L)
        .containsEntry(EventTypes.JOB_COMPLETED, 1L);
    assertThat(done.getDuplicates()).isZero();
    assertThat(done.getAnomalies()).isZero();
  }

  @Test
  void failedAndCancelledAreTerminalWithErrorAndMeasuredDuration() {
    driver();
    t.event("u1", "jf", 0, T0, started("research"));
    t.event("u1", "jf", 1, T0.plusSeconds(3), failed());
    JobState failedState = state("jf");
    assertThat(failedState.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(failedState.getError().getCode()).isEqualTo("E_MODEL");
    assertThat(failedState.getError().getRetryable()).isTrue();
    assertThat(failedState.getDurationMs()).isEqualTo(3000L);

    // Cancelled straight from QUEUED: duration measured from the request.
    t.request("u1", "jc", "model", T0);
    t.event("u1", "jc", 0, T0.plusSeconds(2), cancelled());
    JobState cancelledState = state("jc");
    assertThat(cancelledState.getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelledState.getCancelReason()).isEqualTo("user asked");
    assertThat(cancelledState.getDurationMs()).isEqualTo(2000L);
  }

  @Test
  void anyEventMovesQueuedToRunningAndCancelRequestChangesNothing() {
    driver();
    t.request("u1", "j1", "model", T0);
    t.requests.pipeInput(
        "j1",
        TestJobEvents.request("u1", "j1", "model", T0.plusSeconds(1), JobRequestAction.CANCEL));
    assertThat(state("j1").getStatus()).isEqualTo(JobStatus.QUEUED);
    t.event("u1", "j1", 0, T0.plusSeconds(2), progress(10));
    assertThat(state("j1").getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(state("j1").getStartedAt()).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void duplicatesAndOlderSeqsChangeNothingButAreCounted() {
    driver();
    t.event("u1", "j1", 0, T0, started("model"));
    t.event("u1", "j1", 2, T0.plusSeconds(2), progress(50));
    JobState before = state("j1");
    t.event("u1", "j1", 2, T0.plusSeconds(2), progress(50)); // duplicate
    t.event("u1", "j1", 1, T0.plusSeconds(1), progress(30)); // arrives after seq 2
    JobState after = state("j1");
    assertThat(after.getDuplicates()).isEqualTo(2);
    assertThat(after.getProgressPercent()).isEqualTo(50);
    assertThat(after.getLastSeq()).isEqualTo(2);
    assertThat(after.getEventCounts()).isEqualTo(before.getEventCounts());
    assertThat(after.getLastPosition()).isEqualTo(before.getLastPosition());
    after.setDuplicates(0);
    assertThat(after).isEqualTo(before);
  }

  @Test
  void aNewerAttemptRestartsTheJobAndTheOlderAttemptsLateEventsAreDropped() {
    driver();
    t.request("u1", "j1", "model", T0);
    t.event("u1", "j1", 1, 0, T0, started("model"));
    t.event("u1", "j1", 1, 1, T0.plusSeconds(1), progress(40));
    t.event("u1", "j1", 1, 2, T0.plusSeconds(2), chunk("m", 0, "first run "));
    t.event("u1", "j1", 1, 3, T0.plusSeconds(3), step(1));
    assertThat(view("j1").getResponseSoFar()).isEqualTo("first run ");

    // The worker crashed; the next one runs the job again as attempt 2, from seq 0.
    t.event("u1", "j1", 2, 0, T0.plusSeconds(10), started("model"));
    JobState restarted = view("j1");
    assertThat(restarted.getAttempt()).isEqualTo(2);
    assertThat(restarted.getLastSeq()).isZero();
    assertThat(restarted.getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(restarted.getStartedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(restarted.getProgressPercent()).isZero();
    assertThat(restarted.getProgressMessage()).isNull();
    assertThat(restarted.getResponseSoFar()).isEmpty();
    assertThat(restarted.getResearchSteps()).isEmpty();
    assertThat(restarted.getRequestedAt()).isEqualTo(T0);
    assertThat(restarted.getDuplicates()).isZero();

    // A late event of attempt 1 (its seq is above attempt 2's) is not spliced in.
    t.event("u1", "j1", 1, 4, T0.plusSeconds(4), chunk("m", 1, "late"));
    assertThat(state("j1").getDuplicates()).isEqualTo(1);
    assertThat(state("j1").getLastSeq()).isZero();
    assertThat(view("j1").getResponseSoFar()).isEmpty();

    t.event("u1", "j1", 2, 1, T0.plusSeconds(11), chunk("m", 0, "second run"));
    t.event("u1", "j1", 2, 2, T0.plusSeconds(12), completed(2000));
    JobState done = view("j1");
    assertThat(done.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.getAttempt()).isEqualTo(2);
    assertThat(done.getLastSeq()).isEqualTo(2);
    assertThat(done.getResponseSoFar()).isEqualTo("second run");
    assertThat(done.getProgressPercent()).isEqualTo(100);
    JobSummary summary = t.all(Stores.JOBS_BY_USER).get(0);
    assertThat(summary.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(t.all(Stores.JOBS_BY_USER)).hasSize(1);
    // One job: started once and completed once in the analytics, though it ran twice.
    String day = StoreKeys.bucketed(StoreKeys.day(T0.toEpochMilli()), "model");
    assertThat(t.store(Stores.JOB_METRICS_DAILY).get(day).getStarted()).isEqualTo(1);
    assertThat(t.store(Stores.JOB_METRICS_DAILY).get(day).getCompleted()).isEqualTo(1);
  }

  @Test
  void eventsWithoutAnAttemptAreTheFirstAttempt() {
    driver();
    t.event("u1", "j1", 0, T0, started("model")); // written before the attempt field: 1
    t.event("u1", "j1", 1, 1, T0.plusSeconds(1), progress(30));
    assertThat(state("j1").getAttempt()).isEqualTo(1);
    assertThat(state("j1").getLastSeq()).isEqualTo(1);
    assertThat(state("j1").getProgressPercent()).isEqualTo(30);
  }

  @Test
  void eventsAfterTerminalStateAreAnomaliesNotApplied() {
    driver();
    t.event("u1", "j1", 0, T0, started("model"));
    t.event("u1", "j1", 1, T0.plusSeconds(1), completed(1000));
    t.event("u1", "j1", 2, T0.plusSeconds(2), progress(20));
    t.event("u1", "j1", 3, T0.plusSeconds(3), failed());
    t.event("u1", "j1", 1, T0.plusSeconds(1), completed(1000)); // redelivered terminal
    JobState s = state("j1");
    assertThat(s.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(s.getAnomalies()).isEqualTo(2);
    assertThat(s.getDuplicates()).isEqualTo(1);
    assertThat(s.getProgressPercent()).isEqualTo(100);
    assertThat(s.getLastSeq()).isEqualTo(1);
    assertThat(s.getError()).isNull();
  }

  @Test
  void responseSoFarIsBoundedInUtf8BytesAndFlagged() {
    driver(s -> s.withMaxResponseBytes(10).withMaxResearchSteps(2));
    t.event("u1", "j1", 0, T0, started("model"));
    t.event("u1", "j1", 1, T0, chunk("m", 0, "abcdef")); // 6 bytes
    t.event("u1", "j1", 2, T0, chunk("m", 1, "gh")); // 8 bytes
    assertThat(state("j1").getResponseTruncated()).isFalse();
    t.event("u1", "j1", 3, T0, chunk("m", 2, "\u00e9\u00e9")); // 2+2 bytes: only one fits
    t.event("u1", "j1", 4, T0, chunk("m", 3, "z"));
    JobState s = view("j1");
    assertThat(s.getResponseSoFar()).isEqualTo("abcdefgh\u00e9");
    assertThat(s.getResponseTruncated()).isTrue();
    assertThat(s.getEventCounts()).containsEntry(EventTypes.MODEL_CHUNK, 4L);

    for (int i = 1; i <= 3; i++) {
      t.event("u1", "j1", 4 + i, T0, step(i));
    }
    assertThat(state("j1").getResearchSteps()).hasSize(2);
    assertThat(state("j1").getResearchStepsTruncated()).isTrue();
  }

  @Test
  void recordsFirstAndLastPositionInJobEventsTopic() {
    driver();
    // Three events of other jobs take offsets 0..2 of partition 0.
    t.event("u2", "other-a", 0, T0, started("model"));
    t.event("u2", "other-a", 1, T0, progress(1));
    t.event("u3", "other-b", 0, T0, started("model"));
    t.request("u1", "j1", "model", T0); // requests topic: does not touch positions
    t.event("u1", "j1", 0, T0.plusSeconds(1), started("model")); // offset 3
    t.event("u2", "other-a", 2, T0, progress(2)); // offset 4
    t.event("u1", "j1", 1, T0.plusSeconds(2), progress(5)); // offset 5
    t.event("u1", "j1", 1, T0.plusSeconds(2), progress(5)); // offset 6, duplicate
    JobState s = state("j1");
    assertThat(s.getFirstPosition()).isEqualTo(new LogPosition(0, 3L));
    assertThat(s.getLastPosition()).isEqualTo(new LogPosition(0, 5L));
    assertThat(t.store(Stores.EVENTS_WATERMARK).get(0)).isEqualTo(6L);
  }

  @Test
  void eventsBeforeTheRequestKeepTheirPositionAndStatus() {
    driver();
    t.event("u1", "j1", 0, T0.plusSeconds(1), started("model"));
    t.request("u1", "j1", "model", T0);
    JobState s = state("j1");
    assertThat(s.getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(s.getRequestedAt()).isEqualTo(T0);
    assertThat(s.getFirstPosition()).isEqualTo(new LogPosition(0, 0L));
    // The index entry moved to the request time: one entry only.
    List<KeyValue<String, JobSummary>> jobs =
        t.range(
            Stores.JOBS_BY_USER, JobsByUserKey.lowerBound("u1"), JobsByUserKey.upperBound("u1"));
    assertThat(jobs).hasSize(1);
    assertThat(JobsByUserKey.parse(jobs.get(0).key).sortTimestamp()).isEqualTo(T0.toEpochMilli());
    // A repeated request is a duplicate.
    t.request("u1", "j1", "model", T0);
    assertThat(state("j1").getDuplicates()).isEqualTo(1);
  }

  @Test
  void jobsByUserListsNewestFirstAndIsolatesUsers() {
    driver();
    t.request("u1", "old", "model", T0);
    t.request("u1", "new", "model", T0.plusSeconds(60));
    t.request("u1", "mid", "research", T0.plusSeconds(30));
    t.request("u1|x", "foreign", "model", T0.plusSeconds(90)); // would match a naive "u1|" prefix
    t.request("u10", "foreign2", "model", T0.plusSeconds(90));
    t.event("u1", "mid", 0, T0.plusSeconds(31), started("research"));

    List<KeyValue<String, JobSummary>> jobs =
        t.range(
            Stores.JOBS_BY_USER, JobsByUserKey.lowerBound("u1"), JobsByUserKey.upperBound("u1"));
    assertThat(jobs).extracting(kv -> kv.value.getJobId()).containsExactly("new", "mid", "old");
    assertThat(jobs.get(1).value.getStatus()).isEqualTo(JobStatus.RUNNING);
    assertThat(JobsByUserKey.parse(jobs.get(0).key))
        .isEqualTo(new JobsByUserKey("u1", T0.plusSeconds(60).toEpochMilli(), "new"));

    // Paging: continue after the first key.
    List<KeyValue<String, JobSummary>> page2 =
        t.range(
            Stores.JOBS_BY_USER,
            JobsByUserKey.after(jobs.get(0).key),
            JobsByUserKey.upperBound("u1"));
    assertThat(page2).extracting(kv -> kv.value.getJobId()).containsExactly("mid", "old");

    List<KeyValue<String, JobSummary>> other =
        t.range(
            Stores.JOBS_BY_USER,
            JobsByUserKey.lowerBound("u1|x"),
            JobsByUserKey.upperBound("u1|x"));
    assertThat(other).extracting(kv -> kv.value.getJobId()).containsExactly("foreign");
  }

  @Test
  void poisonRecordsAreSkippedAndCounted() {
    driver();
    long before = FaultCounters.undecodableSkipped();
    t.rawEvents.pipeInput("u1", new byte[] {0, 0, 0, 0, 99, 1, 2});
    t.rawEvents.pipeInput("u1", "not avro".getBytes());
    t.event("u1", "j1", 0, T0, started("model"));
    assertThat(FaultCounters.undecodableSkipped() - before).isEqualTo(2);
    assertThat(state("j1").getStatus()).isEqualTo(JobStatus.RUNNING);
    // The job's first position is the real offset (2), after the two skipped records.
    assertThat(state("j1").getFirstPosition()).isEqualTo(new LogPosition(0, 2L));
    assertThat(Topics.JOB_EVENTS.name()).isEqualTo("jobs.events.v1");
  }

  @Test
  void chunkTextIsOneChunkStoreEntryPerChunkAndTheStateKeepsOnlyItsSize() {
    driver();
    t.event("u1", "j1", 0, T0, started("model"));
    t.event("u1", "j1", 1, T0, chunk("m", 0, "Hello, "));
    t.event("u1", "j1", 2, T0, progress(50));
    t.event("u1", "j1", 3, T0, chunk("m", 1, "w\u00f6rld"));
    t.event("u1", "j1", 4, T0, chunk("m", 2, "")); // empty: no entry
    t.event("u1", "j2", 0, T0, chunk("m", 0, "other job"));

    JobState stored = state("j1");
    assertThat(stored.getResponseSoFar()).isEmpty();
    assertThat(stored.getResponseBytes()).isEqualTo(7 + 6);
    assertThat(stored.getResponseTruncated()).isFalse();
    assertThat(chunkEntries())
        .containsExactly(
            KeyValue.pair(new ResponseChunkKey("j1", 1, 1), "Hello, "),
            KeyValue.pair(new ResponseChunkKey("j1", 1, 3), "w\u00f6rld"),
            KeyValue.pair(new ResponseChunkKey("j2", 1, 0), "other job"));
    assertThat(view("j1").getResponseSoFar()).isEqualTo("Hello, w\u00f6rld");
    assertThat(view("j2").getResponseSoFar()).isEqualTo("other job");
    // The view is the stored state plus the text, nothing else.
    JobState withoutText = JobState.newBuilder(view("j1")).setResponseSoFar("").build();
    assertThat(withoutText).isEqualTo(stored);
  }

  @Test
  void theBoundIsExactToTheByteAndAMultiByteCharacterIsNeverSplit() {
    driver(s -> s.withMaxResponseBytes(10));
    t.event("u1", "j1", 0, T0, started("model"));
    t.event("u1", "j1", 1, T0, chunk("m", 0, "abcde"));
    t.event("u1", "j1", 2, T0, chunk("m", 1, "fghij")); // exactly 10 bytes: fits
    assertThat(state("j1").getResponseTruncated()).isFalse();
    assertThat(state("j1").getResponseBytes()).isEqualTo(10);
    t.event("u1", "j1", 3, T0, chunk("m", 2, "k")); // one byte over: truncated, nothing stored
    assertThat(state("j1").getResponseTruncated()).isTrue();
    assertThat(state("j1").getResponseBytes()).isEqualTo(10);
    assertThat(chunkEntries()).hasSize(2);
    assertThat(view("j1").getResponseSoFar()).isEqualTo("abcdefghij");

    // A 4-byte code point (a surrogate pair) across the bound: cut before it, not inside it.
    t.event("u1", "j2", 0, T0, chunk("m", 0, "abcdefg\u00e9")); // 9 bytes
    t.event("u1", "j2", 1, T0, chunk("m", 1, "x\ud83d\ude00y")); // 1 + 4 + 1: only "x" fits
    t.event("u1", "j2", 2, T0, chunk("m", 2, "z"));
    JobState j2 = view("j2");
    assertThat(j2.getResponseSoFar()).isEqualTo("abcdefg\u00e9x");
    assertThat(j2.getResponseSoFar().getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(10);
    assertThat(j2.getResponseTruncated()).isTrue();
    assertThat(t.store(Stores.JOB_RESPONSE_CHUNKS).get(new ResponseChunkKey("j2", 1, 1)))
        .isEqualTo("x");
    assertThat(t.store(Stores.JOB_RESPONSE_CHUNKS).get(new ResponseChunkKey("j2", 1, 2))).isNull();

    // A 3-byte character that would end one byte past the bound is left out whole.
    t.event("u1", "j3", 0, T0, chunk("m", 0, "abcdefgh")); // 8 bytes
    t.event("u1", "j3", 1, T0, chunk("m", 1, "\u20ac")); // 3 bytes: 11 > 10
    assertThat(view("j3").getResponseSoFar()).isEqualTo("abcdefgh");
    assertThat(state("j3").getResponseBytes()).isEqualTo(8);
    assertThat(state("j3").getResponseTruncated()).isTrue();
  }

  @Test
  void aNewAttemptDeletesTheOlderAttemptsChunksAndStaleChunksAreNotApplied() {
    driver();
    t.event("u1", "j1", 1, 0, T0, started("model"));
    t.event("u1", "j1", 1, 1, T0, chunk("m", 0, "one "));
    t.event("u1", "j1", 1, 2, T0, chunk("m", 1, "two "));
    t.event("u1", "j1", 1, 2, T0, chunk("m", 1, "two again ")); // duplicate seq
    t.event("u1", "j1", 1, 1, T0, chunk("m", 0, "late ")); // older seq
    t.event("u1", "other", 1, 0, T0, chunk("m", 0, "kept"));
    assertThat(view("j1").getResponseSoFar()).isEqualTo("one two ");
    assertThat(state("j1").getDuplicates()).isEqualTo(2);
    assertThat(chunkEntries()).hasSize(3);

    t.event("u1", "j1", 2, 0, T0.plusSeconds(5), chunk("m", 0, "again"));
    assertThat(chunkEntries())
        .containsExactly(
            KeyValue.pair(new ResponseChunkKey("j1", 2, 0), "again"),
            KeyValue.pair(new ResponseChunkKey("other", 1, 0), "kept"));
    assertThat(state("j1").getResponseBytes()).isEqualTo(5);
    assertThat(view("j1").getResponseSoFar()).isEqualTo("again");

    // A chunk of the superseded attempt is a duplicate: it writes no entry.
    t.event("u1", "j1", 1, 3, T0, chunk("m", 2, "stale"));
    assertThat(chunkEntries()).hasSize(2);
    assertThat(view("j1").getResponseSoFar()).isEqualTo("again");
    assertThat(state("j1").getDuplicates()).isEqualTo(3);
  }

  @Test
  void aStateOfAnEarlierStoreSchemaShowsItsTextAndMovesItToTheChunkStoreOnTheNextChunk() {
    driver();
    t.event("u1", "j1", 0, T0, started("model"));
    // What a value written before the chunk store reads as: the text in responseSoFar, 0 bytes.
    JobState legacy =
        JobState.newBuilder(state("j1"))
            .setLastSeq(4)
            .setResponseSoFar("written before ")
            .setResponseBytes(0)
            .build();
    t.store(Stores.JOB_STATE).put("j1", legacy);
    assertThat(view("j1").getResponseSoFar()).isEqualTo("written before ");

    t.event("u1", "j1", 5, T0, progress(10)); // not a chunk: the text stays where it is
    assertThat(state("j1").getResponseSoFar()).isEqualTo("written before ");
    assertThat(chunkEntries()).isEmpty();

    t.event("u1", "j1", 6, T0, chunk("m", 1, "and after"));
    assertThat(state("j1").getResponseSoFar()).isEmpty();
    assertThat(state("j1").getResponseBytes()).isEqualTo(15 + 9);
    assertThat(chunkEntries())
        .containsExactly(
            KeyValue.pair(new ResponseChunkKey("j1", 1, 5), "written before "),
            KeyValue.pair(new ResponseChunkKey("j1", 1, 6), "and after"));
    assertThat(view("j1").getResponseSoFar()).isEqualTo("written before and after");
  }

  @Test
  void aReadThatRacedANewAttemptIsRefusedNotAnsweredWithPartOfTheText() {
    driver();
    t.event("u1", "j1", 0, T0, chunk("m", 0, "one "));
    t.event("u1", "j1", 1, T0, chunk("m", 1, "two"));
    JobState readBefore = state("j1");
    t.event("u1", "j1", 2, 0, T0, started("model")); // attempt 2 deletes attempt 1's chunks
    assertThat(JobResponses.read(readBefore, t.store(Stores.JOB_RESPONSE_CHUNKS))).isEmpty();
    assertThat(JobResponses.assemble(readBefore, List.of("one "))).isEmpty();
    assertThat(
            JobResponses.assemble(readBefore, List.of("one ", "two"))
                .orElseThrow()
                .getResponseSoFar())
        .isEqualTo("one two");
  }
}
