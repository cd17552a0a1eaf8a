package io.regen.realtime.gateway.sessions;

import io.regen.realtime.events.SessionEvent;
import java.util.List;

class InMemorySessionEventPublisherContractTest extends SessionEventPublisherContract {
  private final InMemorySessionEventPublisher publisher = new InMemorySessionEventPublisher();

  @Override
  protected SessionEventPublisher newPublisher() {
    return publisher;
  }

  @Override
  protected List<SessionEvent> eventsOf(String userId, int count) {
    // In memory the events are there when the call returns: no wait.
    return publisher.events().stream()
        .filter(e -> e.getUserId().toString().equals(userId))
        .toList();
  }
}
