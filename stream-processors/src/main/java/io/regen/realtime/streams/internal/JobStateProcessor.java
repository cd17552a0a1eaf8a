package io.regen.realtime.streams.internal;

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
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.streams.JobsByUserKey;
import io.regen.realtime.streams.ResponseChunkKey;
import io.regen.realtime.streams.Stores;
import io.regen.realtime.streams.TopologySettings;
import io.regen.realtime.streams.Utf8;
import io.regen.realtime.streams.state.JobError;
import io.regen.realtime.streams.state.JobState;
import io.regen.realtime.streams.state.JobStatus;
import io.regen.realtime.streams.state.JobSummary;
import io.regen.realtime.streams.state.LogPosition;
import io.regen.realtime.streams.state.ResearchStepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies requests and events (key userId: a job's records all reach its user's task) to {@link
 * Stores#JOB_STATE}, keeps {@link Stores#JOBS_BY_USER} and {@link Stores#EVENTS_WATERMARK} in step,
 * and forwards {@link JobFact}s for the job analytics.
 *
 * <p>Rules: events order by (attempt, seq). An event of an older attempt than the state's, or with
 * {@code seq <= lastSeq} in the same attempt, is a duplicate or arrived out of order: it only
 * increments {@code duplicates}. An event of a newer attempt first resets the job to QUEUED with
 * nothing built (a worker runs it again from seq 0), then applies. An event with a higher seq after
 * a terminal state increments {@code anomalies} and is not applied. Anything else is applied and
 * becomes {@code lastSeq}. {@code firstPosition} is the position of the first event of the job this
 * task processed, which is the lowest offset of the job's events (they all share the user's
 * partition and are read in order), whether or not it was applied.
 *
 * <p>Chunk text goes to {@link Stores#JOB_RESPONSE_CHUNKS}, one entry per applied chunk keyed by
 * (jobId, attempt, seq), written before the state that counts it in {@code responseBytes}; the
 * state itself stays small, so a chunk no longer decodes, copies and re-encodes the whole response
 * so far. A state of an earlier store schema that still carries its text in {@code responseSoFar}
 * moves that text to one chunk entry the first time a chunk is appended to it.
 */
public final class JobStateProcessor implements Processor<String, JobInput, String, JobFact> {
  static final String UNKNOWN = "unknown";

  private final int maxResponseBytes;
  private final int maxResearchSteps;
  private ProcessorContext<String, JobFact> context;
  private KeyValueStore<String, JobState> states;
  private KeyValueStore<ResponseChunkKey, String> chunks;
  private KeyValueStore<String, JobSummary> byUser;
  private KeyValueStore<Integer, Long> watermarks;

  public JobStateProcessor(TopologySettings settings) {
    this.maxResponseBytes = settings.maxResponseBytes();
    this.maxResearchSteps = settings.maxResearchSteps();
  }

  @Override
  public void init(ProcessorContext<String, JobFact> context) {
    this.context = context;
    this.states = context.getStateStore(Stores.JOB_STATE.name());
    this.chunks = context.getStateStore(Stores.JOB_RESPONSE_CHUNKS.name());
    this.byUser = context.getStateStore(Stores.JOBS_BY_USER.name());
    this.watermarks = context.getStateStore(Stores.EVENTS_WATERMARK.name());
  }

  @Override
  public void process(Record<String, JobInput> record) {
    JobInput input = record.value();
    if (input == null || input.jobId() == null) {
      return;
    }
    String jobId = input.jobId();
    JobState before = states.get(jobId);
    JobState after;
    if (input instanceof JobInput.Requested r) {
      after = applyRequest(before, r.request());
    } else {
      JobInput.PositionedEvent e = (JobInput.PositionedEvent) input;
      after = applyEvent(record, before, e);
      put(jobId, before, after);
      // After the state: a reader that sees the watermark past a cursor must also see the state.
      advanceWatermark(e.partition(), e.offset());
      return;
    }
    put(jobId, before, after);
  }

  private void put(String jobId, JobState before, JobState after) {
    if (after != null) {
      states.put(jobId, after);
      index(before, after);
    }
  }

  private JobState applyRequest(JobState state, JobRequest request) {
    if (request.getAction() != JobRequestAction.START) {
      return null; // a cancel request changes nothing until the worker reports JobCancelled
    }
    if (state == null) {
      return JobState.newBuilder()
          .setJobId(request.getJobId())
          .setUserId(request.getUserId())
          .setJobType(request.getJobType())
          .setStatus(JobStatus.QUEUED)
          .setFirstSeenAt(request.getRequestedAt())
          .setRequestedAt(request.getRequestedAt())
          .setUpdatedAt(request.getRequestedAt())
          .build();
    }
    JobState next = JobState.newBuilder(state).build();
    if (next.getRequestedAt() != null) {
      next.setDuplicates(next.getDuplicates() + 1);
      return next;
    }
    next.setRequestedAt(request.getRequestedAt());
    if (next.getJobType() == null) {
      next.setJobType(request.getJobType());
    }
    return next;
  }

  private JobState applyEvent(
      Record<String, JobInput> record, JobState state, JobInput.PositionedEvent input) {
    JobEvent event = input.event();
    LogPosition position = new LogPosition(input.partition(), input.offset());
    JobState next;
    if (state == null) {
      next =
          JobState.newBuilder()
              .setJobId(event.getJobId())
              .setUserId(event.getUserId())
              .setStatus(JobStatus.QUEUED)
              .setFirstSeenAt(event.getOccurredAt())
              .build();
    } else {
      next = JobState.newBuilder(state).build();
    }
    if (next.getFirstPosition() == null) {
      next.setFirstPosition(position);
    }
    if (event.getAttempt() < next.getAttempt()
        || (event.getAttempt() == next.getAttempt() && event.getSeq() <= next.getLastSeq())) {
      next.setDuplicates(next.getDuplicates() + 1);
      return next;
    }
    // A restart of a job whose older attempt never ended is the same job still running for the
    // analytics: it is not counted as started again.
    boolean continuesRun = false;
    if (event.getAttempt() > next.getAttempt()) {
      continuesRun = next.getStatus() != JobStatus.QUEUED && !isTerminal(next.getStatus());
      restart(next, event.getAttempt());
    }
    if (isTerminal(next.getStatus())) {
      next.setAnomalies(next.getAnomalies() + 1);
      return next;
    }

    Object payload = event.getPayload();
    Instant at = event.getOccurredAt();
    JobStatus previousStatus = next.getStatus();
    Map<String, Long> counts = new HashMap<>(next.getEventCounts());
    String wireName = EventTypes.wireName(payload);
    long chunksBefore = counts.getOrDefault(EventTypes.MODEL_CHUNK, 0L);
    counts.merge(wireName, 1L, Long::sum);
    next.setEventCounts(counts);
    long previousSeq = next.getLastSeq();
    next.setLastSeq(event.getSeq());
    next.setLastPosition(position);
    if (next.getUpdatedAt() == null || at.isAfter(next.getUpdatedAt())) {
      next.setUpdatedAt(at);
    }

    if (payload instanceof JobStarted started) {
      next.setStartedAt(at);
      next.setJobType(started.getJobType());
      next.setStatus(JobStatus.RUNNING);
    } else if (payload instanceof JobProgress progress) {
      next.setProgressPercent(Math.max(0, Math.min(100, progress.getPercent())));
      next.setProgressMessage(progress.getMessage());
      markRunning(next, at);
    } else if (payload instanceof ModelChunk chunk) {
      next.setModel(chunk.getModel());
      appendResponse(next, previousSeq, event.getSeq(), chunk.getText());
      markRunning(next, at);
      if (chunksBefore == 0 && next.getStartedAt() != null) {
        forward(
            record,
            new JobFact.FirstChunk(
                chunk.getModel(), at.toEpochMilli() - next.getStartedAt().toEpochMilli()));
      }
    } else if (payload instanceof ResearchStep step) {
      addResearchStep(next, step);
      markRunning(next, at);
    } else if (payload instanceof JobCompleted completed) {
      next.setStatus(JobStatus.COMPLETED);
      next.setProgressPercent(100);
      next.setResultSummary(completed.getResultSummary());
      end(next, at, completed.getDurationMs());
    } else if (payload instanceof JobFailed failed) {
      next.setStatus(JobStatus.FAILED);
      next.setError(new JobError(failed.getCode(), failed.getMessage(), failed.getRetryable()));
      end(next, at, null);
    } else if (payload instanceof JobCancelled cancelled) {
      next.setStatus(JobStatus.CANCELLED);
      next.setCancelReason(cancelled.getReason());
      end(next, at, null);
    }

    if (previousStatus == JobStatus.QUEUED && next.getStatus() != JobStatus.QUEUED) {
      if (next.getStatus() == JobStatus.RUNNING && !continuesRun) {
        forward(record, new JobFact.Started(jobType(next)));
      }
    }
    if (isTerminal(next.getStatus())) {
      forward(
          record,
          new JobFact.Ended(
              jobType(next), next.getStatus(), next.getDurationMs(), next.getModel()));
    }
    return next;
  }

  /**
   * A worker runs the job again from seq 0: what the older attempt built is dropped, so state is
   * never a splice of two runs. Counters (events, duplicates) and positions stay.
   */
  private void restart(JobState state, int attempt) {
    deleteResponse(state);
    state.setAttempt(attempt);
    state.setLastSeq(-1L);
    state.setStatus(JobStatus.QUEUED);
    state.setProgressPercent(0);
    state.setProgressMessage(null);
    state.setResponseSoFar("");
    state.setResponseBytes(0);
    state.setResponseTruncated(false);
    state.setResearchSteps(new ArrayList<>());
    state.setResearchStepsTruncated(false);
    state.setStartedAt(null);
    state.setCompletedAt(null);
    state.setDurationMs(null);
    state.setResultSummary(null);
    state.setError(null);
    state.setCancelReason(null);
  }

  private static void markRunning(JobState state, Instant at) {
    if (state.getStatus() == JobStatus.QUEUED) {
      state.setStatus(JobStatus.RUNNING);
      if (state.getStartedAt() == null) {
        state.setStartedAt(at);
      }
    }
  }

  private static void end(JobState state, Instant at, Long reportedDurationMs) {
    state.setCompletedAt(at);
    Instant from = state.getStartedAt() != null ? state.getStartedAt() : state.getRequestedAt();
    Long measured = from == null ? null : Math.max(0, at.toEpochMilli() - from.toEpochMilli());
    state.setDurationMs(reportedDurationMs != null ? reportedDurationMs : measured);
  }

  /**
   * Appends a chunk's text within {@code maxResponseBytes} UTF-8 bytes: what fits is one new entry
   * of the chunk store, the first chunk that does not fit is cut between code points and sets
   * {@code responseTruncated}, later chunks add nothing.
   */
  private void appendResponse(JobState state, long previousSeq, long seq, String text) {
    if (state.getResponseTruncated() || text.isEmpty()) {
      return;
    }
    moveLegacyResponse(state, previousSeq);
    int used = state.getResponseBytes();
    int add = Utf8.length(text);
    String kept = text;
    if (used + add > maxResponseBytes) {
      kept = Utf8.prefixWithin(text, maxResponseBytes - used);
      add = Utf8.length(kept);
      state.setResponseTruncated(true);
    }
    if (!kept.isEmpty()) {
      // Before the state that counts it: a reader that sees the state finds the chunk.
      chunks.put(new ResponseChunkKey(state.getJobId(), state.getAttempt(), seq), kept);
      state.setResponseBytes(used + add);
    }
  }

  /**
   * A state of store schema v1/v2 holds its text in {@code responseSoFar}: it becomes the first
   * chunk entry, under the seq of the last event applied before (lower than every later chunk's).
   */
  private void moveLegacyResponse(JobState state, long previousSeq) {
    String legacy = state.getResponseSoFar();
    if (legacy.isEmpty()) {
      return;
    }
    chunks.put(
        new ResponseChunkKey(state.getJobId(), state.getAttempt(), Math.max(0, previousSeq)),
        legacy);
    state.setResponseBytes(state.getResponseBytes() + Utf8.length(legacy));
    state.setResponseSoFar("");
  }

  /** Deletes the chunk entries of the state's attempt (a new attempt starts a new response). */
  private void deleteResponse(JobState state) {
    List<ResponseChunkKey> keys = new ArrayList<>();
    try (KeyValueIterator<ResponseChunkKey, String> it =
        chunks.range(
            ResponseChunkKey.first(state.getJobId(), state.getAttempt()),
            ResponseChunkKey.last(state.getJobId(), state.getAttempt()))) {
      while (it.hasNext()) {
        KeyValue<ResponseChunkKey, String> entry = it.next();
        keys.add(entry.key);
      }
    }
    keys.forEach(chunks::delete);
  }

  private void addResearchStep(JobState state, ResearchStep step) {
    if (state.getResearchSteps().size() >= maxResearchSteps) {
      state.setResearchStepsTruncated(true);
      return;
    }
    var steps = new ArrayList<>(state.getResearchSteps());
    steps.add(
        new ResearchStepState(step.getStep(), step.getTitle(), step.getUrl(), step.getSummary()));
    state.setResearchSteps(steps);
  }

  private void advanceWatermark(int partition, long offset) {
    Long current = watermarks.get(partition);
    if (current == null || offset > current) {
      watermarks.put(partition, offset);
    }
  }

  private void index(JobState before, JobState after) {
    String oldKey = before == null ? null : byUserKey(before).encode();
    String newKey = byUserKey(after).encode();
    if (oldKey != null && !oldKey.equals(newKey)) {
      byUser.delete(oldKey);
    }
    byUser.put(
        newKey,
        JobSummary.newBuilder()
            .setJobId(after.getJobId())
            .setUserId(after.getUserId())
            .setJobType(after.getJobType())
            .setStatus(after.getStatus())
            .setProgressPercent(after.getProgressPercent())
            .setSortTimestamp(sortTimestamp(after))
            .setRequestedAt(after.getRequestedAt())
            .setUpdatedAt(after.getUpdatedAt())
            .setCompletedAt(after.getCompletedAt())
            .build());
  }

  private static JobsByUserKey byUserKey(JobState state) {
    return new JobsByUserKey(
        state.getUserId(), sortTimestamp(state).toEpochMilli(), state.getJobId());
  }

  private static Instant sortTimestamp(JobState state) {
    if (state.getRequestedAt() != null) {
      return state.getRequestedAt();
    }
    return state.getFirstSeenAt() != null ? state.getFirstSeenAt() : Instant.EPOCH;
  }

  private static String jobType(JobState state) {
    return state.getJobType() != null ? state.getJobType() : UNKNOWN;
  }

  static boolean isTerminal(JobStatus status) {
    return status == JobStatus.COMPLETED
        || status == JobStatus.FAILED
        || status == JobStatus.CANCELLED;
  }

  private void forward(Record<String, JobInput> cause, JobFact fact) {
    context.forward(new Record<>(cause.key(), fact, cause.timestamp()));
  }
}
