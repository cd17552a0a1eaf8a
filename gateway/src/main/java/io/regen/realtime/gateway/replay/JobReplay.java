package io.regen.realtime.gateway.replay;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.gateway.delivery.ClientSession;
import java.util.concurrent.CompletableFuture;

/**
 * Replays one job's events from the topic: locates the job's first event (never scans a partition
 * from its start), reads with a bounded reader, and sends each event with {@code seq >= fromSeq} in
 * seq order as an event frame carrying {@code "replay":"<replayId>"}, then a {@code replay_end}
 * frame. Only the job's owner or an analyst may replay it.
 */
public interface JobReplay {

  /**
   * Starts a replay to {@code session}; completes with the number of events sent, or exceptionally
   * with {@link JobAccessException} (not found / forbidden) before anything is sent.
   */
  CompletableFuture<Long> replay(
      ClientSession session, AuthenticatedUser user, String replayId, String jobId, long fromSeq);
}
