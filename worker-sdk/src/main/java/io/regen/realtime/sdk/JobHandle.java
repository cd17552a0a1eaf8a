package io.regen.realtime.sdk;

import io.regen.realtime.events.JobCancelled;
import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobFailed;
import io.regen.realtime.events.JobProgress;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import io.regen.realtime.events.ResearchStep;
import io.regen.realtime.schemas.EventTypes;
import io.regen.realtime.sdk.internal.EventValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;

/**
 * One job's event stream. Created by {@link RegenWorkerClient#startJob}, which has already
 * published {@code job:started:v1} with seq 0; every further call publishes the next event with the
 * next seq (1, 2, ...), keyed by the job's userId.
 *
 * <p>Threads: a handle may be used from several threads; calls are serialized, and the order of the
 * calls is the order of the seqs and of the records in the partition. Each call validates the event
 * first and throws {@link InvalidEventException} without sending anything (and without using up a
 * seq) when it breaks the contract. After a terminal event ({@link #complete}, {@link #fail},
 * {@link #cancel}) every further call is refused.
 *
 * <p>The returned futures complete when Kafka acknowledged the event (acks=all) and fail with the
 * producer's exception otherwise. They complete on the producer's I/O thread: do not block there.
 * When the producer refuses a record at once (e.g. the registry refused the schema, the client is
 * closed), the call throws that exception instead; nothing was sent and the seq stays free. {@code
 * send} may block up to the producer's {@code max.block.ms} while its buffer is full or the topic's
 * metadata is unknown.
 */
public final class JobHandle {
  private final RegenWorkerClient client;
  private final EventValidator validator;
  private final String jobId;
  private final String userId;
  private final String jobType;
  private final Instant startedAt;
  private final int attempt;
  private final long idsBytes;
  private long nextSeq;
  private String endedWith;
  private CompletableFuture<Published> started;
  private CompletableFuture<Published> last;

  JobHandle(
      RegenWorkerClient client,
      EventValidator validator,
      String jobId,
      String userId,
      String jobType,
      int attempt,
      Instant startedAt) {
    this.client = client;
    this.validator = validator;
    this.jobId = jobId;
    this.userId = userId;
    this.jobType = jobType;
    this.attempt = attempt;
    this.startedAt = startedAt;
    // eventId is a 36-character UUID; the rest are the ids every event of this job repeats.
    this.idsBytes =
        EventValidator.sized("00000000-0000-0000-0000-000000000000")
            + EventValidator.sized(jobId)
            + EventValidator.sized(userId)
            + EventValidator.sized(client.workerId());
  }

  /** Publishes {@code job:started:v1}; called once by the client. */
  CompletableFuture<Published> start(String inputSummary) {
    started = publish(new JobStarted(jobType, orEmpty(inputSummary)));
    return started;
  }

  public String jobId() {
    return jobId;
  }

  public String userId() {
    return userId;
  }

  public String jobType() {
    return jobType;
  }

  /**
   * Which run of the job this is: 1, then +1 each time a worker runs the job again. Every event of
   * the handle carries it; readers order a job's events by (attempt, seq).
   */
  public int attempt() {
    return attempt;
  }

  /** When {@code job:started:v1} was published. */
  public Instant startedAt() {
    return startedAt;
  }

  /** The acknowledgement of {@code job:started:v1} (seq 0). */
  public CompletableFuture<Published> started() {
    return started;
  }

  /** The seq the next event will get. */
  public synchronized long nextSeq() {
    return nextSeq;
  }

  /** Whether a terminal event (completed, failed, cancelled) has been published. */
  public synchronized boolean isEnded() {
    return endedWith != null;
  }

  /** The acknowledgement of the most recent event; once it completes, all earlier ones have. */
  public synchronized CompletableFuture<Published> lastPublished() {
    return last;
  }

  /** {@code job:progress:v1}; percent 0–100. */
  public CompletableFuture<Published> progress(int percent, String message) {
    return publish(new JobProgress(percent, orEmpty(message)));
  }

  /** {@code model:chunk:v1}: the {@code index}-th piece of a model's streamed response. */
  public CompletableFuture<Published> modelChunk(
      String model, int index, String text, boolean isFinal) {
    return publish(new ModelChunk(model, index, text, isFinal));
  }

  /** {@code research:step:v1}: a step of a research job; {@code url} may be null. */
  public CompletableFuture<Published> researchStep(
      int step, String title, String url, String summary) {
    return publish(new ResearchStep(step, title, url, orEmpty(summary)));
  }

  /** {@code job:completed:v1} with the time since the start; ends the job. */
  public CompletableFuture<Published> complete(String resultSummary) {
    long durationMs = Math.max(0, Duration.between(startedAt, client.now()).toMillis());
    return publish(new JobCompleted(orEmpty(resultSummary), durationMs));
  }

  /** {@code job:failed:v1}; ends the job. */
  public CompletableFuture<Published> fail(String code, String message, boolean retryable) {
    return publish(new JobFailed(code, orEmpty(message), retryable));
  }

  /** {@code job:cancelled:v1}; ends the job. */
  public CompletableFuture<Published> cancel(String reason) {
    return publish(new JobCancelled(orEmpty(reason)));
  }

  private synchronized CompletableFuture<Published> publish(SpecificRecord payload) {
    if (endedWith != null) {
      throw new InvalidEventException(
          "Invalid "
              + EventTypes.wireName(payload)
              + " event for job "
              + jobId
              + ": the job already ended with "
              + endedWith
              + " (seq "
              + (nextSeq - 1)
              + "); no event may follow a terminal event");
    }
    validator.validatePayload(payload, jobId, idsBytes);
    JobEvent event =
        new JobEvent(
            UUID.randomUUID().toString(),
            jobId,
            userId,
            nextSeq,
            attempt,
            client.now(),
            client.workerId(),
            payload);
    // send() throws only when nothing was sent: then the seq stays free for the next event.
    CompletableFuture<Published> ack = client.send(event);
    nextSeq++;
    if (EventTypes.isTerminal(payload)) {
      endedWith = EventTypes.wireName(payload);
    }
    last = ack;
    return ack;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  @Override
  public String toString() {
    return "JobHandle[" + jobId + ", user " + userId + ", type " + jobType + "]";
  }
}
