package io.regen.realtime.gateway.delivery;

import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a subscribing session starts: the partition of its user, and whether its cursor can be
 * honoured. A cursor is resumable when it names the user's partition, the offset after it is still
 * kept, and it was written; then delivery starts right after it, otherwise live from the end. The
 * broker look-ups are bounded by the subscribe timeout and batched with other subscribes' ({@link
 * OffsetLookups}); no thread waits for them (a reconnect burst of thousands of sessions parks
 * none). Thread-safe.
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
   * Where a session of {@code userId} starts, without parking the calling thread: the future
   * completes on the admin client's thread (or the JDK's delay scheduler for a timeout), so what
   * follows it must not block there.
   *
   * @param cursor the last cursor the client saw; null, blank or unparsable: live from now
   * @return completes exceptionally with {@link DeliveryUnavailableException} when the broker does
   *     not answer within the timeout
   */
  CompletableFuture<StartPoint> resolve(String userId, String cursor) {
    long deadline = System.nanoTime() + timeout.toNanos();
    LogPosition requested = parse(cursor);
    return partitionCount(deadline)
        .thenCompose(
            count -> {
              int partition = UserPartitioner.partitionOf(userId, count);
              TopicPartition tp = new TopicPartition(topic.name(), partition);
              boolean checkCursor = requested != null && requested.partition() == partition;
              // Both look-ups in flight at once, batched with other subscribes' (OffsetLookups).
              CompletableFuture<Long> end =
                  retried(offsets.end(tp), () -> offsets.end(tp), deadline);
              if (!checkCursor) {
                return end.thenApply(e -> new StartPoint(partition, e - 1, e, false));
              }
              CompletableFuture<Long> logStart =
                  retried(offsets.logStart(tp), () -> offsets.logStart(tp), deadline);
              return end.thenCombine(
                  logStart, (e, start) -> startPoint(partition, requested.offset(), start, e));
            });
  }

  private static StartPoint startPoint(int partition, long seen, long logStart, long end) {
    // seen is the last event the client saw: resumable when seen+1 is still kept and seen was
    // written.
    if (seen + 1 >= logStart && seen < end) {
      return new StartPoint(partition, seen, end, true);
    }
    return new StartPoint(partition, end - 1, end, false);
  }

  /** The topic's partition count, described once (then cached); blocks up to the timeout. */
  int partitionCount() {
    try {
      return partitionCount(System.nanoTime() + timeout.toNanos()).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private CompletableFuture<Integer> partitionCount(long deadline) {
    int n = partitionCount;
    if (n > 0) {
      return CompletableFuture.completedFuture(n);
    }
    // A plain future: the admin client's own (KafkaFuture.toCompletionStage) refuses to be
    // completed from outside, so an orTimeout on it or its dependents would never fire.
    CompletableFuture<Integer> described = new CompletableFuture<>();
    long left = Math.max(1, deadline - System.nanoTime());
    try {
      admin
          .describeTopics(
              List.of(topic.name()),
              new DescribeTopicsOptions()
                  .timeoutMs(
                      (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))))
          .allTopicNames()
          .whenComplete(
              (topics, error) -> {
                if (error != null) {
                  described.completeExceptionally(error);
                } else {
                  described.complete(topics.get(topic.name()).partitions().size());
                }
              });
    } catch (RuntimeException e) {
      described.completeExceptionally(e);
    }
    return described
        .orTimeout(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
        .handle(
            (count, error) -> {
              if (error != null) {
                Throwable cause = unwrap(error);
                throw new DeliveryUnavailableException(
                    "cannot describe topic " + topic.name() + ": " + cause, RETRY_AFTER_MS, cause);
              }
              partitionCount = count;
              return count;
            });
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
   * The look-up's offset; a failed or timed-out attempt is sent again (fresh metadata) after a
   * short pause, until the deadline. No thread waits meanwhile: the pause is the JDK's delayed
   * executor.
   */
  private CompletableFuture<Long> retried(
      CompletableFuture<Long> attempt, Supplier<CompletableFuture<Long>> again, long deadline) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    follow(attempt, again, deadline, result);
    return result;
  }

  private void follow(
      CompletableFuture<Long> attempt,
      Supplier<CompletableFuture<Long>> again,
      long deadline,
      CompletableFuture<Long> result) {
    long left = deadline - System.nanoTime();
    attempt
        .orTimeout(Math.max(1, left), TimeUnit.NANOSECONDS)
        .whenComplete(
            (offset, error) -> {
              if (error == null) {
                result.complete(offset);
                return;
              }
              if (deadline - System.nanoTime() <= RETRY_PAUSE.toNanos()) {
                result.completeExceptionally(
                    new DeliveryUnavailableException(
                        "cannot read offsets of " + topic.name() + ": " + unwrap(error),
                        RETRY_AFTER_MS,
                        unwrap(error)));
                return;
              }
              attempt.cancel(false);
              CompletableFuture.delayedExecutor(RETRY_PAUSE.toNanos(), TimeUnit.NANOSECONDS)
                  .execute(() -> follow(again.get(), again, deadline, result));
            });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
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
