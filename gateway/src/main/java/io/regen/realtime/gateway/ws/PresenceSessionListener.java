package io.regen.realtime.gateway.ws;

import io.regen.realtime.gateway.presence.PresenceRecorder;
import java.time.Duration;

/** Reports sessions to presence; {@link PresenceRecorder} never blocks nor throws. */
public final class PresenceSessionListener implements SessionListener {
  private final PresenceRecorder recorder;

  public PresenceSessionListener(PresenceRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void started(WebSocketClientSession session) {
    recorder.opened(session.userId(), session.sessionId());
  }

  @Override
  public void ended(WebSocketClientSession session, Duration duration, int closeCode) {
    recorder.closed(session.userId(), session.sessionId());
  }
}
