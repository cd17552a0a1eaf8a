package io.regen.realtime.query;

import io.regen.realtime.schemas.LogPosition;

/**
 * How a single-key read may be answered.
 *
 * @param allowStale the client accepts an answer from a standby replica (marked stale, with its
 *     lag) when the active owner cannot answer
 * @param minPosition the answer must reflect every event of the job up to this position in {@code
 *     jobs.events.v1} (read-your-writes); null for no bound
 * @param withResponse true: the state's {@code responseSoFar} is the response text, read from the
 *     chunk store next to it (a get and a range); false: the stored state as it is, one get, with
 *     {@code responseBytes} and {@code responseTruncated} but not the text (for callers that need
 *     the job's owner, status or positions only)
 */
public record ReadOptions(boolean allowStale, LogPosition minPosition, boolean withResponse) {
  public static final ReadOptions DEFAULT = new ReadOptions(false, null);

  /** A read with the response text. */
  public ReadOptions(boolean allowStale, LogPosition minPosition) {
    this(allowStale, minPosition, true);
  }

  /** The same read without the response text. */
  public ReadOptions withoutResponse() {
    return new ReadOptions(allowStale, minPosition, false);
  }
}
