package io.regen.realtime.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.gateway.limits.TokenBucket;
import io.regen.realtime.gateway.metrics.GatewayMetrics;
import io.regen.realtime.gateway.protocol.CloseCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class WebSocketClientSessionTest {

  /** A socket whose writes complete only when the test says so (a slow client). */
  static class ManualSocket implements FrameSocket {
    final List<String> written = new ArrayList<>();
    final List<String> batched = new ArrayList<>();
    final List<Runnable> pending = new ArrayList<>();
    final List<Integer> closes = new ArrayList<>();
    int pings;
    int disconnects;
    boolean autoComplete;

    @Override
    public void sendText(String text, Runnable onSuccess, Consumer<Throwable> onFailure) {
      written.add(text);
      if (autoComplete) {
        onSuccess.run();
      } else {
        pending.add(onSuccess);
      }
    }

    @Override
    public void sendBatched(String text, Consumer<Throwable> onFailure) {
      written.add(text);
      batched.add(text);
    }

    @Override
    public void sendPing() {
      pings++;
    }

    @Override
    public void close(int code, String reason) {
      closes.add(code);
    }

    @Override
    public void disconnect() {
      disconnects++;
    }

    @Override
    public boolean isOpen() {
      return closes.isEmpty();
    }

    void completeOne() {
      pending.remove(0).run();
    }
  }

  private final ManualSocket socket = new ManualSocket();
  private final Executor direct = Runnable::run;

  private WebSocketClientSession session(int maxFrames, long maxChars) {
    return new WebSocketClientSession(
        "s1",
        "127.0.0.1",
        socket,
        direct,
        GatewayMetrics.noop(),
        maxFrames,
        maxChars,
        new TokenBucket(10, 10, 0),
        0,
        Instant.EPOCH);
  }

  @Test
  void writesALoneFrameAtOnceAndCoalescesTheFramesThatQueuedMeanwhileInOrder() {
    WebSocketClientSession s = session(10, 10_000);
    assertThat(s.offer("a")).isTrue();
    assertThat(s.offer("b")).isTrue();
    assertThat(s.offer("c")).isTrue();
    assertThat(socket.written).as("a lone frame is flushed, not held").containsExactly("a");
    assertThat(socket.batched).isEmpty();
    assertThat(s.pendingFrames()).isEqualTo(2);
    socket.completeOne();
    assertThat(socket.written).containsExactly("a", "b", "c");
    assertThat(socket.batched).as("b waits for c, which flushes both").containsExactly("b");
    assertThat(socket.pending).as("one write outstanding").hasSize(1);
    assertThat(s.pendingFrames()).isZero();
    socket.completeOne();
    assertThat(s.offer("d")).isTrue();
    assertThat(socket.written).containsExactly("a", "b", "c", "d");
    assertThat(socket.batched).containsExactly("b");
  }

  @Test
  void aBatchIsBoundedAndACloseMarkerEndsIt() {
    WebSocketClientSession s = session(1000, 1_000_000);
    s.offer("first");
    for (int i = 0; i < 100; i++) {
      s.offer("f" + i);
    }
    s.closeAfterQueued(CloseCode.TOO_SLOW, "too slow");
    socket.completeOne();
    assertThat(socket.batched).hasSize(64);
    assertThat(socket.written).hasSize(1 + 65);
    assertThat(socket.closes).isEmpty();
    socket.completeOne();
    assertThat(socket.written).hasSize(1 + 100);
    assertThat(socket.written.get(100)).isEqualTo("f99");
    assertThat(socket.closes).as("not before the frames queued ahead of it").isEmpty();
    socket.completeOne();
    assertThat(socket.closes).containsExactly(4009);
  }

  @Test
  void inlineCompletionsDoNotRecurseWithoutBound() {
    socket.autoComplete = true;
    WebSocketClientSession s = session(100_000, 100_000_000);
    for (int i = 0; i < 50_000; i++) {
      s.offer("f" + i);
    }
    assertThat(socket.written).hasSize(50_000);
    assertThat(socket.written.get(49_999)).isEqualTo("f49999");
  }

  @Test
  void aStalledSocketFillsTheBoundedBufferAndOfferReturnsFalseWithoutBlocking() {
    WebSocketClientSession s = session(4, 10_000);
    int accepted = 0;
    for (int i = 0; i < 100; i++) {
      if (s.offer("frame-" + i)) {
        accepted++;
      }
    }
    // one frame is on the wire, four are queued
    assertThat(accepted).isEqualTo(5);
    assertThat(s.pendingFrames()).isEqualTo(4);
    assertThat(s.offerControl("{\"type\":\"ack\"}")).isTrue();
  }

  @Test
  void theByteBoundAlsoApplies() {
    WebSocketClientSession s = session(1000, 10);
    assertThat(s.offer("0123456789")).isTrue(); // on the wire
    assertThat(s.offer("0123456789")).isTrue(); // queued: 10 chars
    assertThat(s.offer("x")).isFalse();
  }

  @Test
  void closeAfterQueuedSendsQueuedFramesFirst() {
    WebSocketClientSession s = session(10, 10_000);
    s.offer("error");
    s.closeAfterQueued(CloseCode.AUTH_FAILED, "auth failed");
    assertThat(s.offer("late")).isFalse();
    assertThat(socket.closes).isEmpty();
    socket.completeOne();
    assertThat(socket.written).containsExactly("error");
    assertThat(socket.closes).containsExactly(4001);
  }

  @Test
  void closeIsImmediateAndIdempotent() {
    WebSocketClientSession s = session(10, 10_000);
    s.offer("a");
    s.offer("b");
    s.close(CloseCode.TOO_SLOW, "too slow");
    s.close(CloseCode.TOO_SLOW, "too slow");
    assertThat(socket.closes).containsExactly(4009);
    assertThat(s.pendingFrames()).isZero();
    assertThat(s.isOpen()).isFalse();
    assertThat(s.offer("c")).isFalse();
  }

  @Test
  void aCloseThatCannotBeFlushedBecomesOverdueAndIsDropped() {
    WebSocketClientSession s = session(10, 10_000);
    long now = System.nanoTime();
    assertThat(s.closeOverdue(now, 0)).as("no close asked yet").isFalse();

    s.closeAfterQueued(CloseCode.TOO_SLOW, "too slow");

    assertThat(s.closeOverdue(System.nanoTime() + 1_000, 0)).isTrue();
    assertThat(s.closeOverdue(System.nanoTime(), 60_000_000_000L)).as("within grace").isFalse();
    s.disconnect();
    assertThat(socket.disconnects).isEqualTo(1);
    s.markClosed();
    assertThat(s.closeOverdue(System.nanoTime() + 1_000, 0)).as("socket gone").isFalse();
  }

  @Test
  void pingsAtTheIntervalAndDetectsAMissingPong() {
    WebSocketClientSession s = session(10, 10_000);
    s.pingIfDue(5, 10);
    assertThat(socket.pings).isZero();
    s.pingIfDue(10, 10);
    assertThat(socket.pings).isEqualTo(1);
    s.pingIfDue(25, 10);
    assertThat(socket.pings).as("no second ping while one is unanswered").isEqualTo(1);
    assertThat(s.pongOverdue(15, 10)).isFalse();
    assertThat(s.pongOverdue(21, 10)).isTrue();
    s.alive();
    assertThat(s.pongOverdue(30, 10)).isFalse();
    s.pingIfDue(30, 10);
    assertThat(socket.pings).isEqualTo(2);
  }
}
