package io.regen.realtime.gateway.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HistoryWriteGuardTest {
  private static final Duration TIMEOUT = Duration.ofMillis(200);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ReplayAdmission admission = new ReplayAdmission(1);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aBodyThatNeverStartsGivesItsSlotBackAndMayNotStartLate() {
    HistoryWriteGuard guard = new HistoryWriteGuard(admission.acquire("u"), TIMEOUT, timer);
    assertThat(admission.running("u")).isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> admission.running("u") == 0);
    assertThat(guard.start()).isFalse();
    assertThat(admission.acquire("u")).isNotNull();
  }

  @Test
  void aNormalBodyKeepsItsSlotUntilItEnds() throws Exception {
    HistoryWriteGuard guard = new HistoryWriteGuard(admission.acquire("u"), TIMEOUT, timer);
    assertThat(guard.start()).isTrue();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = guard.bound(sink);
    out.write("line\n".getBytes());
    out.flush();
    assertThat(sink.toString()).isEqualTo("line\n");
    assertThat(admission.running("u")).isEqualTo(1);
    assertThat(guard.wasCut()).isFalse();

    guard.end();
    assertThat(admission.running("u")).isZero();
    guard.end(); // twice is harmless
    assertThat(admission.running("u")).isZero();
  }

  @Test
  void aWriteBlockedPastTheTimeoutIsInterruptedAndItsSlotReturned() throws Exception {
    HistoryWriteGuard guard = new HistoryWriteGuard(admission.acquire("u"), TIMEOUT, timer);
    assertThat(guard.start()).isTrue();
    CountDownLatch never = new CountDownLatch(1);
    OutputStream stalled =
        new OutputStream() {
          @Override
          public void write(int b) throws InterruptedIOException {
            try {
              never.await(); // a client that never reads: only an interrupt ends this write
            } catch (InterruptedException e) {
              throw new InterruptedIOException("interrupted");
            }
          }
        };
    OutputStream out = guard.bound(stalled);
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> {
              try {
                out.write('x');
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    await().atMost(Duration.ofSeconds(10)).until(() -> admission.running("u") == 0);
    assertThat(guard.wasCut()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(writing::isDone);
    assertThat(writing).isCompletedExceptionally();
    // Later writes fail at once; the slot serves a new history.
    assertThatThrownBy(() -> out.write('y')).isInstanceOf(InterruptedIOException.class);
    assertThat(admission.acquire("u")).isNotNull();
    guard.end();
  }
}
