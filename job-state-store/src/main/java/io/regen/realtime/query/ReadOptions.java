package io.regen.realtime.query;

import io.regen.realtime.schemas.LogPosition;

/**
 * How a single-key read may be answered.
 *
 * @param allowStale the client accepts an answer from a standby replica (marked stale, with its
 *     lag) when the active owner cannot answer
 * @param minPosition the answer must reflect every event of the job up to this position in {@code
 *     jobs.events.v1} (read-your-writes); null for no bound
 */
public record ReadOptions(boolean allowStale, LogPosition minPosition) {
  public static final ReadOptions DEFAULT = new ReadOptions(false, null);
}
