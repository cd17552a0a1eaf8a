package io.regen.realtime.testsupport;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.events.SessionKind;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Builders of the platform's records for tests: events, payloads, requests, sessions. */
public final class TestJobEvents {
  /** The {@code producer} of events built without one. */
  public static final String DEFAULT_PRODUCER = "worker-1";

  private TestJobEvents() {}

  /** An event with a random eventId from {@link #DEFAULT_PRODUCER}. */
  public static JobEvent jobEvent(
      String userId, String jobId, long seq, Instant at, Object payload) {
    return jobEvent(userId, jobId, seq, at, DEFAULT_PRODUCER, payload);
  }

  /** An event with a random eventId. */
  public static JobEvent jobEvent(
      String userId, String jobId, long seq, Instant at, String producer, Object payload) {
    return JobEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setJobId(jobId)
        .setUserId(userId)
        .setSeq(seq)
        .setOccurredAt(at)
        .setProducer(producer)
        .setPayload(payload)
        .build();
  }

  /** A request without input or idempotency key. */
  public static JobRequest request(
      String userId, String jobId, String jobType, Instant at, JobRequestAction action) {
    return JobRequest.newBuilder()
        .setJobId(jobId)
        .setUserId(userId)
        .setJobType(jobType)
        .setInput(Map.of())
        .setRequestedAt(at)
        .setAction(action)
        .build();
  }

  /** A session event with a random sessionId. */
  public static SessionEvent session(
      String userId, String node, SessionKind kind, Instant at, Long durationMs) {
    return SessionEvent.newBuilder()
        .setSessionId(UUID.randomUUID().toString())
        .setUserId(userId)
        .setNode(node)
        .setKind(kind)
        .setAt(at)
        .setDurationMs(durationMs)
        .build();
  }

  public static JobStarted started(String jobType) {
    return new JobStarted(jobType, "");
  }

  public static JobProgress progress(int percent) {
    return new JobProgress(percent, "at " + percent);
  }

  public static ModelChunk chunk(String model, int index, String text) {
    return new ModelChunk(model, index, text, false);
  }

  public static ResearchStep step(int step) {
    return new ResearchStep(step, "step " + step, null, "");
  }

  public static JobCompleted completed(long durationMs) {
    return new JobCompleted("done", durationMs);
  }

  public static JobFailed failed() {
    return new JobFailed("E_MODEL", "model exploded", true);
  }

  public static JobCancelled cancelled() {
    return new JobCancelled("user asked");
  }
}
