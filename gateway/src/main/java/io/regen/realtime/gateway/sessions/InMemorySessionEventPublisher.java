package io.regen.realtime.gateway.sessions;

import io.regen.realtime.events.SessionEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Keeps the latest {@code capacity} session events in memory (tests, and a gateway without Kafka
 * that still wants to look at them). Never blocks, never throws; older events are evicted first.
 */
public final class InMemorySessionEventPublisher implements SessionEventPublisher {
  private final int capacity;
  private final Clock clock;
  private final Deque<SessionEvent> events = new ArrayDeque<>();

  public InMemorySessionEventPublisher() {
    this(10_000, Clock.systemUTC());
  }

  public InMemorySessionEventPublisher(int capacity, Clock clock) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  @Override
  public void started(String userId, String sessionId, String node) {
    add(SessionEvents.started(userId, sessionId, node, clock.instant()));
  }

  @Override
  public void ended(String userId, String sessionId, String node, Duration duration) {
    add(SessionEvents.ended(userId, sessionId, node, duration, clock.instant()));
  }

  /** The events kept, oldest first. */
  public synchronized List<SessionEvent> events() {
    return List.copyOf(events);
  }

  private synchronized void add(SessionEvent event) {
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(event);
  }
}
