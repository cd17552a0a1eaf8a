package io.regen.realtime.gateway.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Read-committed log-start and end offsets for subscribes, batched: while one {@code listOffsets}
 * round trip is under way, the look-ups that arrive meanwhile are collected and sent together in
 * the next one (one request per kind for all their partitions). An idle gateway pays one round trip
 * per subscribe, no added delay; a thousand clients reconnecting at once after a restart pay a
 * handful of round trips instead of two thousand.
 *
 * <p>Thread-safe. Futures complete on the admin client's thread.
 */
final class OffsetLookups {
  private final Admin admin;
  private final Object lock = new Object();
  private Map<TopicPartition, List<CompletableFuture<Long>>> latest = new HashMap<>();
  private Map<TopicPartition, List<CompletableFuture<Long>>> earliest = new HashMap<>();
  private boolean inFlight; // guarded by lock
  private final int attemptTimeoutMs;

  /**
   * @param attemptTimeout bound on one listOffsets call (the caller retries a failed one)
   */
  OffsetLookups(Admin admin, Duration attemptTimeout) {
    this.admin = admin;
    this.attemptTimeoutMs =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, attemptTimeout.toMillis()));
  }

  /** The partition's end (the offset the next committed record gets). */
  CompletableFuture<Long> end(TopicPartition tp) {
    return lookup(tp, true);
  }

  /** The partition's log start (oldest offset retention kept). */
  CompletableFuture<Long> logStart(TopicPartition tp) {
    return lookup(tp, false);
  }

  private CompletableFuture<Long> lookup(TopicPartition tp, boolean end) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    boolean send;
    synchronized (lock) {
      (end ? latest : earliest).computeIfAbsent(tp, t -> new ArrayList<>(1)).add(f);
      send = !inFlight;
      inFlight = true;
    }
    if (send) {
      sendPending();
    }
    return f;
  }

  private void sendPending() {
    Map<TopicPartition, List<CompletableFuture<Long>>> ends;
    Map<TopicPartition, List<CompletableFuture<Long>>> starts;
    synchronized (lock) {
      if (latest.isEmpty() && earliest.isEmpty()) {
        inFlight = false;
        return;
      }
      ends = latest;
      starts = earliest;
      latest = new HashMap<>();
      earliest = new HashMap<>();
    }
    CompletableFuture<Void> a = send(ends, OffsetSpec.latest());
    CompletableFuture<Void> b = send(starts, OffsetSpec.earliest());
    CompletableFuture.allOf(a, b).whenComplete((v, e) -> sendPending());
  }

  private CompletableFuture<Void> send(
      Map<TopicPartition, List<CompletableFuture<Long>>> waiting, OffsetSpec spec) {
    if (waiting.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (TopicPartition tp : waiting.keySet()) {
      request.put(tp, spec);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    ListOffsetsResult result;
    try {
      result =
          admin.listOffsets(
              request,
              new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(attemptTimeoutMs));
    } catch (RuntimeException e) {
      waiting.values().forEach(list -> list.forEach(f -> f.completeExceptionally(e)));
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> parts = new ArrayList<>(waiting.size());
    for (Map.Entry<TopicPartition, List<CompletableFuture<Long>>> w : waiting.entrySet()) {
      CompletableFuture<Void> part = new CompletableFuture<>();
      parts.add(part);
      result
          .partitionResult(w.getKey())
          .whenComplete(
              (info, error) -> {
                for (CompletableFuture<Long> f : w.getValue()) {
                  if (error != null) {
                    f.completeExceptionally(error);
                  } else {
                    f.complete(info.offset());
                  }
                }
                part.complete(null);
              });
    }
    CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> done.complete(null));
    return done;
  }
}
