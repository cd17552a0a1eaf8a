package io.regen.realtime.gateway.delivery;

import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a subscribing session starts: the partition of its user, and whether its cursor can be
 * honoured. A cursor is resumable when it names the user's partition, the offset after it is still
 * kept, and it was written; then delivery starts right after it, otherwise live from the end. The
 * broker look-ups are bounded by the subscribe timeout and batched with other subscribes' ({@link
 * OffsetLookups}). Thread-safe.
 */
final class CursorResolver {
  private final Topic<?, ?> topic;
  private final Admin admin;
  private final OffsetLookups offsets;
  private final Duration timeout;
  private volatile int partitionCount = -1;

  /** What a client is told to wait before subscribing again after a failed look-up. */
  static final long RETRY_AFTER_MS = 1_000;

  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  /** The longest one offset look-up attempt may take before it is sent again. */
  static final Duration ATTEMPT_CAP = Duration.ofSeconds(1);

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  CursorResolver(Topic<?, ?> topic, Admin admin, Duration timeout) {
    this.topic = topic;
    this.admin = admin;
    // Each attempt bounded (a third of the deadline, at most ATTEMPT_CAP), so a call stuck on a
    // dead leader is abandoned and re-sent as a new call, whose leader look-up sees the election:
    // an admin call keeps retrying the leader it looked up first until its own timeout. With
    // attempts of a third of 10 s, new sessions waited 7-11 s after a broker loss (2-3 stuck
    // attempts, BrokerFaultsIT); a look-up on a live leader takes milliseconds.
    this.offsets = new OffsetLookups(admin, min(timeout.dividedBy(3), ATTEMPT_CAP));
    this.timeout = timeout;
  }

  /**
   * Where a session of {@code userId} starts.
   *
   * @param cursor the last cursor the client saw; null, blank or unparsable: live from now
   * @throws DeliveryUnavailableException when the broker does not answer within the timeout
   */
  StartPoint resolve(String userId, String cursor) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int partition = UserPartitioner.partitionOf(userId, partitionCount());
    TopicPartition tp = new TopicPartition(topic.name(), partition);
    LogPosition requested = parse(cursor);
    boolean checkCursor = requested != null && requested.partition() == partition;
    // Both look-ups in flight at once, batched with other subscribes' (see OffsetLookups).
    CompletableFuture<Long> latest = offsets.end(tp);
    CompletableFuture<Long> earliest = checkCursor ? offsets.logStart(tp) : null;
    long end = await(latest, () -> offsets.end(tp), deadline);
    if (checkCursor) {
      long logStart = await(earliest, () -> offsets.logStart(tp), deadline);
      long o = requested.offset();
      // o is the last event the client saw: resumable when o+1 is still kept and o was written.
      if (o + 1 >= logStart && o < end) {
        return new StartPoint(partition, o, end, true);
      }
    }
    return new StartPoint(partition, end - 1, end, false);
  }

  /** The topic's partition count, described once (then cached). */
  int partitionCount() {
    int n = partitionCount;
    if (n > 0) {
      return n;
    }
    try {
      n =
          admin
              .describeTopics(List.of(topic.name()))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic.name())
              .partitions()
              .size();
    } catch (ExecutionException | TimeoutException e) {
      throw new DeliveryUnavailableException(
          "cannot describe topic " + topic.name() + ": " + e, RETRY_AFTER_MS, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    partitionCount = n;
    return n;
  }

  private static LogPosition parse(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return LogPosition.fromCursor(cursor.trim());
    } catch (IllegalArgumentException e) {
      return null; // unknown cursor: not resumed, live from now
    }
  }

  /**
   * The look-up's offset; a failed or timed-out attempt is sent again (fresh metadata) until the
   * deadline.
   */
  private long await(
      CompletableFuture<Long> first, Supplier<CompletableFuture<Long>> again, long deadline) {
    CompletableFuture<Long> attempt = first;
    while (true) {
      long left = deadline - System.nanoTime();
      try {
        return attempt.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        if (deadline - System.nanoTime() <= RETRY_PAUSE.toNanos()) {
          throw new DeliveryUnavailableException(
              "cannot read offsets of " + topic.name() + ": " + e, RETRY_AFTER_MS, e);
        }
        attempt.cancel(false);
        LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        attempt = again.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /**
   * A session's starting point.
   *
   * @param partition the partition of the user's events
   * @param mark the offset through which the session counts as delivered (its cursor, or the end)
   * @param end the partition's end at subscription time
   * @param resumed whether the cursor was honoured
   */
  record StartPoint(int partition, long mark, long end, boolean resumed) {
    /** The cursor of the partition's latest event at subscription time; null when empty. */
    String latestCursor() {
      return end > 0 ? new LogPosition(partition, end - 1).toCursor() : null;
    }
  }
}
