package io.regen.realtime.streams;

import io.regen.realtime.streams.state.JobState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Puts a stored {@link JobState} and its chunk entries in {@link Stores#JOB_RESPONSE_CHUNKS}
 * together into the state a reader sees, with {@code responseSoFar} = the latest attempt's text.
 * The one place that knows how a response is stored; the query layer and tests read through it.
 *
 * <p>Consistency: the processor writes a chunk before the state that counts it, and deletes an
 * older attempt's chunks before the state of the new attempt. A reader that reads the state first
 * and then the chunks up to the state's {@code lastSeq} therefore finds them all, unless a new
 * attempt started in between (or a standby's two changelogs are restored unevenly): the bytes then
 * do not add up to {@code responseBytes}, and {@link #assemble} says so instead of answering with a
 * part of the text.
 */
public final class JobResponses {
  private JobResponses() {}

  /** Whether the state's text is in the chunk store (false: nothing to read, or a v1/v2 value). */
  public static boolean hasChunks(JobState stored) {
    return stored.getResponseBytes() > 0;
  }

  /** Lowest key of the state's chunks. */
  public static ResponseChunkKey from(JobState stored) {
    return ResponseChunkKey.first(stored.getJobId(), stored.getAttempt());
  }

  /** Highest key of the chunks the state counts (its attempt, up to its lastSeq). */
  public static ResponseChunkKey to(JobState stored) {
    return new ResponseChunkKey(
        stored.getJobId(), stored.getAttempt(), Math.max(0, stored.getLastSeq()));
  }

  /**
   * The state as readers see it: {@code responseSoFar} = the chunk texts in key order (a value of
   * an earlier store schema keeps the text it carries).
   *
   * @param chunks the texts of {@code range(from(stored), to(stored))}, in key order; ignored when
   *     {@link #hasChunks} is false
   * @return empty when the texts do not add up to {@code responseBytes} (the read raced a new
   *     attempt, or a standby is behind on the chunks): read again, never answer with part of it
   */
  public static Optional<JobState> assemble(JobState stored, List<String> chunks) {
    if (!hasChunks(stored)) {
      return Optional.of(stored);
    }
    StringBuilder text = new StringBuilder(stored.getResponseBytes());
    long bytes = 0;
    for (String chunk : chunks) {
      text.append(chunk);
      bytes += Utf8.length(chunk);
    }
    if (bytes != stored.getResponseBytes()) {
      return Optional.empty();
    }
    return Optional.of(JobState.newBuilder(stored).setResponseSoFar(text.toString()).build());
  }

  /** {@link #assemble} over a local store (tests, tools; the query layer reads with IQv1). */
  public static Optional<JobState> read(
      JobState stored, ReadOnlyKeyValueStore<ResponseChunkKey, String> chunks) {
    if (stored == null) {
      return Optional.empty();
    }
    if (!hasChunks(stored)) {
      return Optional.of(stored);
    }
    List<String> texts = new ArrayList<>();
    try (KeyValueIterator<ResponseChunkKey, String> it = chunks.range(from(stored), to(stored))) {
      while (it.hasNext()) {
        KeyValue<ResponseChunkKey, String> entry = it.next();
        texts.add(entry.value);
      }
    }
    return assemble(stored, texts);
  }
}
