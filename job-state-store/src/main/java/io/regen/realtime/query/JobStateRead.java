package io.regen.realtime.query;

import io.regen.realtime.streams.state.JobState;
import java.util.Objects;

/**
 * A job's state as read from a store.
 *
 * @param state the state; its {@code responseSoFar} is the response text only when {@code
 *     withResponse}
 * @param stale true when it came from a standby replica (the client allowed it)
 * @param lag for a stale read, how many changelog records the standby was behind (0 otherwise)
 * @param withResponse whether the read put the response text into the state ({@link
 *     ReadOptions#withResponse})
 */
public record JobStateRead(JobState state, boolean stale, long lag, boolean withResponse) {
  public JobStateRead {
    Objects.requireNonNull(state, "state");
  }
}
