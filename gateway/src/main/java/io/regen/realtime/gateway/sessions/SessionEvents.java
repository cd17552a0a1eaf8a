package io.regen.realtime.gateway.sessions;

import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.events.SessionKind;
import java.time.Duration;
import java.time.Instant;

/** Builds the Avro {@link SessionEvent}s both publishers emit. */
public final class SessionEvents {
  private SessionEvents() {}

  public static SessionEvent started(String userId, String sessionId, String node, Instant at) {
    return SessionEvent.newBuilder()
        .setSessionId(sessionId)
        .setUserId(userId)
        .setNode(node)
        .setKind(SessionKind.STARTED)
        .setAt(at)
        .setDurationMs(null)
        .build();
  }

  static SessionEvent ended(
      String userId, String sessionId, String node, Duration duration, Instant at) {
    return SessionEvent.newBuilder()
        .setSessionId(sessionId)
        .setUserId(userId)
        .setNode(node)
        .setKind(SessionKind.ENDED)
        .setAt(at)
        .setDurationMs(duration == null ? null : Math.max(0, duration.toMillis()))
        .build();
  }
}
