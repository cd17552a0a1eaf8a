package io.regen.realtime.gateway.delivery;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.EventFrameEncoder.UnknownPayloadException;
import io.regen.realtime.gateway.delivery.KafkaEventDelivery.HandoverReply;
import io.regen.realtime.gateway.delivery.KafkaEventDelivery.Mode;
import io.regen.realtime.gateway.delivery.KafkaEventDelivery.SessionState;
import io.regen.realtime.schemas.LogPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's bounded pool of catch-up readers: a fixed number of threads, each with its own
 * consumer, serving sessions that must be read from the topic (resume from a cursor, clients that
 * fell behind). A reader serves one session for at most one slice, then the next; a session whose
 * buffer is full is retried later instead of holding a reader. When a reader has delivered
 * everything the live dispatcher has dispatched, it asks the dispatcher to take the session over.
 */
final class CatchUpReaders implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatchUpReaders.class);

  private final KafkaEventDelivery delivery;
  private final DeliveryProperties props;
  private final LinkedBlockingQueue<SessionState> ready = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService retries;
  private final List<Reader> readers = new ArrayList<>();

  CatchUpReaders(KafkaEventDelivery delivery, KafkaClients clients, String clientIdPrefix) {
    this.delivery = delivery;
    this.props = delivery.props();
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "catch-up-retry");
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < props.catchUpReaders(); i++) {
      Reader reader = new Reader(clients.consumer(clientIdPrefix + "-catchup-" + i, "none"));
      Thread t = new Thread(reader, "catch-up-reader-" + i);
      t.setDaemon(true);
      reader.thread = t;
      readers.add(reader);
      t.start();
    }
  }

  /** Queues a session whose mode is CATCHING_UP; it must not already be queued or served. */
  void submit(SessionState s) {
    ready.add(s);
  }

  private void retryLater(SessionState s) {
    if (delivery.running()) {
      retries.schedule(() -> ready.add(s), props.catchUpRetry().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    retries.shutdownNow();
    for (Reader r : readers) {
      r.consumer.wakeup();
    }
    for (Reader r : readers) {
      try {
        r.thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final class Reader implements Runnable {
    final KafkaConsumer<String, byte[]> consumer;
    Thread thread;

    Reader(KafkaConsumer<String, byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void run() {
      try {
        while (delivery.running()) {
          SessionState s;
          try {
            s = ready.poll(100, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
          if (s == null) {
            continue;
          }
          try {
            serve(s);
          } catch (WakeupException e) {
            return;
          } catch (RuntimeException e) {
            if (!delivery.running()) {
              return;
            }
            log.error("Catch-up of session {} failed; retrying", s.session.sessionId(), e);
            retryLater(s);
          }
        }
      } finally {
        try {
          consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
          log.debug("closing a catch-up consumer", e);
        }
      }
    }

    private boolean catchingUp(SessionState s) {
      Mode m = s.mode;
      return m == Mode.CATCHING_UP || m == Mode.BUFFERING;
    }

    private void serve(SessionState s) {
      if (!catchingUp(s) || !s.session.isOpen()) {
        return;
      }
      if (tooSlow(s)) {
        return;
      }
      TopicPartition tp = new TopicPartition(delivery.topic().name(), s.partition);
      consumer.assign(List.of(tp));
      consumer.seek(tp, s.deliveredThrough + 1);
      int scanned = 0;
      while (delivery.running()) {
        if (s.deliveredThrough >= delivery.dispatchedThrough(s.partition)) {
          HandoverReply reply = delivery.requestHandover(s);
          if (reply != HandoverReply.CONTINUE) {
            return;
          }
        }
        if (scanned >= props.catchUpSlice()) {
          ready.add(s); // let the other sessions waiting for a reader have a turn
          return;
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(props.pollTimeout());
        } catch (OffsetOutOfRangeException e) {
          // Retention removed what this client had not seen yet: it must start over.
          delivery.closeTooSlow(s, "its position fell below the log start");
          return;
        }
        for (ConsumerRecord<String, byte[]> r : records) {
          scanned++;
          if (!s.userId.equals(r.key())) {
            continue;
          }
          if (!catchingUp(s)) {
            return; // unsubscribed meanwhile
          }
          JobEvent event = delivery.decode(r);
          if (event != null) {
            String frame;
            try {
              frame =
                  delivery.encoder().eventFrame(event, new LogPosition(r.partition(), r.offset()));
            } catch (UnknownPayloadException e) {
              delivery.metrics().unknownPayloadSkipped();
              frame = null;
            }
            if (frame != null) {
              if (!s.session.offer(frame)) {
                if (s.session.isOpen()) {
                  if (s.slowSinceNanos == 0) {
                    s.slowSinceNanos = System.nanoTime();
                  }
                  retryLater(s);
                }
                return;
              }
              delivery.metrics().framesSent(1);
              delivery.metrics().latencyFrom(event.getOccurredAt().toEpochMilli());
            }
          }
          s.deliveredThrough = r.offset();
        }
        // Nothing of this user up to the position (control records, other users' records).
        long scannedThrough = consumer.position(tp) - 1;
        if (scannedThrough > s.deliveredThrough) {
          s.deliveredThrough = scannedThrough;
        }
      }
    }

    private boolean tooSlow(SessionState s) {
      long since = s.slowSinceNanos;
      if (since == 0) {
        return false;
      }
      long behindNanos = System.nanoTime() - since;
      if (behindNanos > props.slowMaxBehind().toNanos()) {
        delivery.closeTooSlow(
            s, "behind live for " + TimeUnit.NANOSECONDS.toMillis(behindNanos) + " ms");
        return true;
      }
      long dispatched = delivery.dispatchedThrough(s.partition);
      if (dispatched != Long.MAX_VALUE && dispatched - s.deliveredThrough > props.slowMaxLag()) {
        delivery.closeTooSlow(s, "lagging " + (dispatched - s.deliveredThrough) + " offsets");
        return true;
      }
      return false;
    }
  }
}
