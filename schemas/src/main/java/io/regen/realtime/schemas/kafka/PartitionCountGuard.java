package io.regen.realtime.schemas.kafka;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remembers the partition count of a keyed topic the first time it is seen and refuses any later
 * different count. Producers and readers that compute a key's partition (murmur2 of the key modulo
 * the count) call {@link #check} with the count of their current metadata before they use it, so
 * adding partitions to {@code jobs.events.v1} stops publishing with a clear error instead of
 * silently moving users to other partitions. Thread-safe.
 */
public final class PartitionCountGuard {
  private final String topic;
  private final AtomicInteger expected = new AtomicInteger(-1);

  public PartitionCountGuard(String topic) {
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /**
   * @return {@code current}, when it is the count first seen
   * @throws PartitionCountChangedException when it differs from the count first seen
   */
  public int check(int current) {
    if (current < 1) {
      throw new IllegalArgumentException(topic + ": partition count must be >= 1: " + current);
    }
    int first = expected.compareAndExchange(-1, current);
    if (first != -1 && first != current) {
      throw new PartitionCountChangedException(
          "Topic "
              + topic
              + " now has "
              + current
              + " partitions, "
              + first
              + " when this process started: partitions were added, which moves keys (userIds) to"
              + " other partitions. Refusing to publish; restore the topic (docs/reliability.md).");
    }
    return current;
  }

  /** The count first seen, or -1 before the first check. */
  public int expected() {
    return expected.get();
  }
}
