package io.regen.realtime.gateway.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.events.SessionKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The {@link SessionEventPublisher} contract, run against every implementation: what a caller
 * reports reaches the sink as {@link SessionEvent}s, one thread's events in call order. Subclasses
 * hand out a publisher and read back what reached its sink for one user.
 */
abstract class SessionEventPublisherContract {
  /** A new publisher; closed by the test. */
  protected abstract SessionEventPublisher newPublisher();

  /** The events of {@code userId} that reached the sink, waiting until there are {@code count}. */
  protected abstract List<SessionEvent> eventsOf(String userId, int count);

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void startedAndEndedReachTheSinkWithEveryField() {
    String alice = user();
    Instant before = Instant.now().minusMillis(1);
    try (SessionEventPublisher publisher = newPublisher()) {
      publisher.started(alice, "s1", "node-1");
      publisher.ended(alice, "s1", "node-1", Duration.ofSeconds(42));

      List<SessionEvent> events = eventsOf(alice, 2);

      assertThat(events)
          .extracting(SessionEvent::getKind)
          .containsExactly(SessionKind.STARTED, SessionKind.ENDED);
      assertThat(events).extracting(SessionEvent::getSessionId).containsOnly("s1");
      assertThat(events).extracting(SessionEvent::getNode).containsOnly("node-1");
      assertThat(events).extracting(SessionEvent::getUserId).containsOnly(alice);
      assertThat(events.get(0).getDurationMs()).isNull();
      assertThat(events.get(1).getDurationMs()).isEqualTo(42_000L);
      assertThat(events).allSatisfy(e -> assertThat(e.getAt()).isBetween(before, Instant.now()));
    }
  }

  @Test
  void oneThreadsEventsArriveInCallOrder() {
    String bob = user();
    try (SessionEventPublisher publisher = newPublisher()) {
      IntStream.range(0, 20).forEach(i -> publisher.started(bob, "s" + i, "node-1"));

      assertThat(eventsOf(bob, 20))
          .extracting(e -> e.getSessionId().toString())
          .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "s" + i).toList());
    }
  }

  @Test
  void otherUsersEventsStayApart() {
    String carol = user();
    String dave = user();
    try (SessionEventPublisher publisher = newPublisher()) {
      publisher.started(carol, "c1", "node-1");
      publisher.started(dave, "d1", "node-2");
      publisher.ended(dave, "d1", "node-2", Duration.ofMillis(5));

      assertThat(eventsOf(carol, 1))
          .extracting(e -> e.getSessionId().toString())
          .containsExactly("c1");
      assertThat(eventsOf(dave, 2)).extracting(SessionEvent::getNode).containsOnly("node-2");
    }
  }
}
