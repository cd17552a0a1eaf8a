package io.regen.realtime.sdk.internal;

import io.regen.realtime.events.JobRequest;
import java.time.Duration;
import org.apache.kafka.common.TopicPartition;

/**
 * A job the request loop is about to start (first run or a retry): it starts once its attempt is
 * marked in a synchronous commit (see {@link AttemptMarks}). Owned by the polling thread once
 * queued.
 */
final class PendingStart {
  final TopicPartition partition;
  final long offset;
  final JobRequest request;

  /** Non-null for a stale request: it is failed, not run. */
  final Duration staleAge;

  /** {@link OffsetBook#token} when the request was read; a different one: revoked meanwhile. */
  final Object token;

  /** 0 until the loop assigned the run its attempt. */
  int attempt;

  PendingStart(
      TopicPartition partition, long offset, JobRequest request, Duration staleAge, Object token) {
    this.partition = partition;
    this.offset = offset;
    this.request = request;
    this.staleAge = staleAge;
    this.token = token;
  }

  /** The same request run again (its attempt to be assigned anew). */
  PendingStart again() {
    return new PendingStart(partition, offset, request, staleAge, token);
  }
}
