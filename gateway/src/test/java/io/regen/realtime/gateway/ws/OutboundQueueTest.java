package io.regen.realtime.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
  private final OutboundQueue queue = new OutboundQueue();

  @Test
  void itemsComeOutInOrderAcrossWrapAroundAndGrowth() {
    List<Object> out = new ArrayList<>();
    int next = 0;
    // Interleave adds and polls so the ring wraps before it grows, then grows while wrapped.
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 3 + round % 7; i++) {
        queue.add("f" + next++);
      }
      for (int i = 0; i < 2; i++) {
        out.add(queue.poll());
      }
    }
    for (Object item = queue.poll(); item != null; item = queue.poll()) {
      out.add(item);
    }
    assertThat(out).hasSize(next);
    for (int i = 0; i < next; i++) {
      assertThat(out.get(i)).isEqualTo("f" + i);
    }
  }

  @Test
  void aDrainedQueueHoldsNoReferenceToWhatItCarried() {
    for (int i = 0; i < 5; i++) {
      queue.add("frame " + i);
    }
    assertThat(queue.holdsAnyReference()).isTrue();
    while (queue.poll() != null) {
      // drain
    }
    assertThat(queue.holdsAnyReference()).isFalse();
    assertThat(queue.size()).isZero();

    queue.add("again");
    queue.clear();
    assertThat(queue.holdsAnyReference()).isFalse();
    assertThat(queue.poll()).isNull();
  }

  @Test
  void aLargeQueueThatEmptiesGivesItsArrayBack() {
    for (int i = 0; i < 1_000; i++) {
      queue.add(i);
    }
    assertThat(queue.capacity()).isGreaterThanOrEqualTo(1_000);
    for (int i = 0; i < 1_000; i++) {
      assertThat(queue.poll()).isEqualTo(i);
    }
    assertThat(queue.capacity()).isEqualTo(OutboundQueue.INITIAL_CAPACITY);

    for (int i = 0; i < 1_000; i++) {
      queue.add(i);
    }
    queue.clear();
    assertThat(queue.capacity()).isEqualTo(OutboundQueue.INITIAL_CAPACITY);
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> queue.add(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void concurrentProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
    int producers = 4;
    int perProducer = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        running.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perProducer; i++) {
                    queue.add(new long[] {producer, i});
                  }
                  return null;
                }));
      }
      start.countDown();
      long[] nextExpected = new long[producers];
      int received = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received < producers * perProducer && System.nanoTime() < deadline) {
        Object item = queue.poll();
        if (item == null) {
          Thread.onSpinWait();
          continue;
        }
        long[] pair = (long[]) item;
        assertThat(pair[1])
            .as("producer %d's order", pair[0])
            .isEqualTo(nextExpected[(int) pair[0]]);
        nextExpected[(int) pair[0]]++;
        received++;
      }
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(received).isEqualTo(producers * perProducer);
      assertThat(queue.poll()).isNull();
    } finally {
      pool.shutdownNow();
    }
  }
}
