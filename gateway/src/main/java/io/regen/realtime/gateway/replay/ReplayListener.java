package io.regen.realtime.gateway.replay;

import io.regen.realtime.gateway.jobs.JobRecord;

/** Observes replay reads: what was asked and where the reader actually started. */
public interface ReplayListener {
  ReplayListener NONE = (jobId, job, firstOffsetRead, scanned, sent) -> {};

  /**
   * Called once a replay or history read has finished reading.
   *
   * @param firstOffsetRead offset of the first record the reader received, -1 if none
   * @param scanned records read from the partition
   * @param sent events of the job sent
   */
  void onReplayRead(String jobId, JobRecord job, long firstOffsetRead, long scanned, long sent);
}
