package io.regen.realtime.gateway.ws;

import java.time.Duration;

/**
 * Told when an authenticated session starts (after its welcome) and when it ends. Implementations
 * (presence, session analytics) must return quickly and never throw; the gateway still guards every
 * call, counts failures and carries on, since delivery never depends on them.
 */
public interface SessionListener {
  /** Listens to nothing (a listener whose backing service is not configured). */
  SessionListener NONE =
      new SessionListener() {
        @Override
        public void started(WebSocketClientSession session) {}

        @Override
        public void ended(WebSocketClientSession session, Duration duration, int closeCode) {}
      };

  void started(WebSocketClientSession session);

  void ended(WebSocketClientSession session, Duration duration, int closeCode);
}
