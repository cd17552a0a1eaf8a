package io.regen.realtime.bench.platform;

import io.regen.realtime.events.JobCompleted;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobStarted;
import io.regen.realtime.events.ModelChunk;
import java.time.Instant;

/**
 * The events of the benchmark, as a model worker publishes them: event number {@code seq} goes to
 * user {@code seq % users}; each user runs jobs of {@code jobLength} events one after the other: a
 * {@code JobStarted}, 64-character {@code ModelChunk}s, a {@code JobCompleted}. The event's {@code
 * seq} is the benchmark's sequence number, so it increases within every job and every user, and the
 * client can check order and gaps per connection.
 */
final class JobWorkload {
  static final String CHUNK = "x".repeat(63) + " ";
  static final String MODEL = "bench-model";

  private final String userPrefix;
  private final int users;
  private final int jobLength;

  JobWorkload(String userPrefix, int users, int jobLength) {
    if (users < 1 || jobLength < 2) {
      throw new IllegalArgumentException("users >= 1 and jobLength >= 2 required");
    }
    this.userPrefix = userPrefix;
    this.users = users;
    this.jobLength = jobLength;
  }

  String user(long seq) {
    return userPrefix + (seq % users);
  }

  String jobId(long seq) {
    long perUser = seq / users;
    return userPrefix + (seq % users) + "-job-" + (perUser / jobLength);
  }

  JobEvent event(long seq) {
    long inJob = (seq / users) % jobLength;
    Object payload;
    if (inJob == 0) {
      payload = new JobStarted("model", "bench");
    } else if (inJob == jobLength - 1) {
      payload = new JobCompleted("done", 1000L);
    } else {
      payload = new ModelChunk(MODEL, (int) inJob - 1, CHUNK, false);
    }
    return JobEvent.newBuilder()
        .setEventId("e-" + seq)
        .setJobId(jobId(seq))
        .setUserId(user(seq))
        .setSeq(seq)
        .setOccurredAt(Instant.now())
        .setProducer("bench")
        .setPayload(payload)
        .build();
  }
}
