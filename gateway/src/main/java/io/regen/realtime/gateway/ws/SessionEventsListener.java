package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.sessions.SessionEventPublisher;
import java.time.Duration;

/** Publishes session starts and ends for analytics; the publisher never blocks nor throws. */
public final class SessionEventsListener implements SessionListener {
  private final SessionEventPublisher publisher;
  private final String node;

  public SessionEventsListener(SessionEventPublisher publisher, String node) {
    this.publisher = publisher;
    this.node = node;
  }

  @Override
  public void started(WebSocketClientSession session) {
    publisher.started(session.userId(), session.sessionId(), node);
  }

  @Override
  public void ended(WebSocketClientSession session, Duration duration, int closeCode) {
    publisher.ended(session.userId(), session.sessionId(), node, duration);
  }
}
