package io.regen.realtime.query.api;

import io.regen.realtime.streams.state.JobSummary;
import java.util.List;

/**
 * {@code GET /api/users/{me|userId}/jobs}: one page of a user's jobs, newest first. {@code
 * nextCursor} is opaque; pass it as {@code cursor} for the next page; null on the last page.
 */
public record UserJobsView(String userId, List<JobSummaryView> jobs, int limit, String nextCursor) {

  /** One job of the listing. */
  public record JobSummaryView(
      String jobId,
      String userId,
      String jobType,
      String status,
      int progressPercent,
      String requestedAt,
      String updatedAt,
      String completedAt) {
    public static JobSummaryView of(JobSummary s) {
      return new JobSummaryView(
          s.getJobId(),
          s.getUserId(),
          s.getJobType(),
          s.getStatus().name(),
          s.getProgressPercent(),
          JobStateView.iso(s.getRequestedAt()),
          JobStateView.iso(s.getUpdatedAt()),
          JobStateView.iso(s.getCompletedAt()));
    }
  }
}
