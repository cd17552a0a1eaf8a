package io.regen.realtime.query.internal;

import io.regen.realtime.query.QueryUnavailableException;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.streams.StoreDef;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Calls another instance's internal query endpoints ({@code /internal/query/...} on its {@code
 * application.server}). The remote side only reads its own partitions and never forwards again, so
 * a stale routing table cannot make requests loop. Any failure (connection refused, timeout, 503,
 * unexpected status) surfaces as {@link QueryUnavailableException}. The caller's {@code
 * Authorization} header is passed on: every instance verifies tokens with the same settings.
 */
public interface RemoteStoreClient {

  /**
   * A job's state from the instance holding its partition.
   *
   * @param stale whether the remote may answer from a standby replica
   * @param minPosition read-your-writes bound, or null
   * @param withResponse false: the remote reads the state only, without the response text from the
   *     chunk store (one get); a remote that does not know the option answers with the text
   * @throws QueryUnavailableException when the remote cannot answer
   */
  JobStateReply jobState(
      HostInfo host,
      String jobId,
      int partition,
      boolean stale,
      LogPosition minPosition,
      boolean withResponse,
      String authorization);

  /** A range scan over the remote's active partitions; fails the future on any failure. */
  CompletableFuture<RangeReply> range(
      HostInfo host,
      StoreDef<String, ?> store,
      String from,
      String to,
      int limitPerPartition,
      String authorization);

  /** Distinct users per active partition of the remote over a day range (yyyy-MM-dd). */
  CompletableFuture<CountsReply> distinctUsers(
      HostInfo host, String fromDay, String toDay, String authorization);
}
