package io.regen.realtime.gateway.replay;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many replays (WebSocket replay and NDJSON history together) one user may run at once on this
 * node, so one user with many connections cannot hold every reader of the shared pool. Entries of
 * users with nothing running are removed, so memory follows running replays only. Thread-safe.
 */
public final class ReplayAdmission {

  private final int perUser;
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

  public ReplayAdmission(int perUser) {
    if (perUser < 1) {
      throw new IllegalArgumentException("perUser must be >= 1");
    }
    this.perUser = perUser;
  }

  /** A running replay's slot; closing it twice is harmless. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a slot for {@code userId}.
   *
   * @throws ReplayRefusedException the user already runs {@code perUser} replays
   */
  public Permit acquire(String userId) {
    boolean[] admitted = {false};
    running.compute(
        userId,
        (u, count) -> {
          AtomicInteger c = count == null ? new AtomicInteger() : count;
          if (c.get() < perUser) {
            c.incrementAndGet();
            admitted[0] = true;
          }
          return c;
        });
    if (!admitted[0]) {
      throw new ReplayRefusedException(
          "at most " + perUser + " replays per user at once; retry when one has ended");
    }
    AtomicInteger once = new AtomicInteger();
    return () -> {
      if (once.getAndIncrement() == 0) {
        running.computeIfPresent(userId, (u, c) -> c.decrementAndGet() <= 0 ? null : c);
      }
    };
  }

  int running(String userId) {
    AtomicInteger c = running.get(userId);
    return c == null ? 0 : c.get();
  }
}
