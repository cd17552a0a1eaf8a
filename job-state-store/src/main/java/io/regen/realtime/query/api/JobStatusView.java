package io.regen.realtime.query.api;

import io.regen.realtime.streams.state.JobState;

/** {@code GET /api/job/{jobId}/status}: the compact form. */
public record JobStatusView(
    String jobId, String status, int progress, String updatedAt, boolean stale, long lag) {
  public static JobStatusView of(JobState s, boolean stale, long lag) {
    return new JobStatusView(
        s.getJobId(),
        s.getStatus().name(),
        s.getProgressPercent(),
        JobStateView.iso(s.getUpdatedAt()),
        stale,
        lag);
  }
}
