package io.regen.realtime.query;

import io.regen.realtime.streams.state.JobState;
import java.util.Objects;

/**
 * A job's state as read from a store.
 *
 * @param state the state
 * @param stale true when it came from a standby replica (the client allowed it)
 * @param lag for a stale read, how many changelog records the standby was behind (0 otherwise)
 */
public record JobStateRead(JobState state, boolean stale, long lag) {
  public JobStateRead {
    Objects.requireNonNull(state, "state");
  }
}
