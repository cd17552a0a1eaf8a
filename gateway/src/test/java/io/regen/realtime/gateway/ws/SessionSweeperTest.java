package io.regen.realtime.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.gateway.GatewayProperties;
import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ServerFrames;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionSweeperTest {
  /** A socket that counts how often its state is asked for. */
  static final class CountingSocket extends WebSocketClientSessionTest.ManualSocket {
    int isOpenCalls;

    @Override
    public boolean isOpen() {
      isOpenCalls++;
      return super.isOpen();
    }
  }

  private final GatewayProperties props = GatewayProperties.defaults();
  private final GatewayMetrics metrics = GatewayMetrics.noop();
  private final SessionRegistry registry = new SessionRegistry();
  private final AtomicLong nanos = new AtomicLong();
  private final SessionSweeper sweeper =
      new SessionSweeper(
          props,
          registry,
          new SessionReplies(new ServerFrames(), metrics, props),
          Clock.systemUTC(),
          nanos::get);

  private WebSocketClientSession session(String id, CountingSocket socket) {
    WebSocketClientSession s =
        new WebSocketClientSession(
            id,
            "127.0.0.1",
            socket,
            Runnable::run,
            metrics,
            100,
            100_000,
            new TokenBucket(10, 10, 0),
            nanos.get(),
            Instant.EPOCH);
    assertThat(registry.add(s, 100)).isTrue();
    return s;
  }

  @Test
  void aSweepDoesNotAskTheSocketForItsState() {
    // Jetty's answer to isOpen() takes the session's lock; the sweep visits every session.
    CountingSocket socket = new CountingSocket();
    socket.autoComplete = true;
    session("s1", socket);

    nanos.addAndGet(props.authTimeout().toNanos() / 2);
    sweeper.sweep();

    assertThat(socket.isOpenCalls).isZero();
    assertThat(socket.closes).as("still within the auth timeout").isEmpty();
  }

  @Test
  void aConnectionWithoutAuthIsClosedAfterTheTimeoutAndAClosingOneIsLeftAlone() {
    CountingSocket silent = new CountingSocket();
    silent.autoComplete = true;
    session("silent", silent);
    CountingSocket closing = new CountingSocket();
    closing.autoComplete = true;
    WebSocketClientSession closingSession = session("closing", closing);
    closingSession.close(CloseCode.GOING_AWAY, "bye");

    nanos.addAndGet(props.authTimeout().toNanos() + 1);
    sweeper.sweep();

    assertThat(silent.closes).containsExactly(CloseCode.AUTH_FAILED.code());
    assertThat(closing.closes)
        .as("only its own close")
        .containsExactly(CloseCode.GOING_AWAY.code());
  }
}
