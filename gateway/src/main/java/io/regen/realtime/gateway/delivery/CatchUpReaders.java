package io.regen.realtime.gateway.delivery;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.CatchUpHandover.Reply;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.kafka.JobEventDecoder;
import io.regen.realtime.gateway.kafka.RecordNotYetDecodableException;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.gateway.protocol.ServerFrames.UnknownPayloadException;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
 * fell behind).
 *
 * <p>Work is grouped by partition: every session catching up on a partition joins that partition's
 * group, and one reader pass over the partition — from the smallest cursor of the group — serves
 * them all, each from its own cursor (a record is offered to a session only when its offset is
 * above the session's {@code deliveredThrough}). A record is decoded and encoded once, whatever the
 * number of sessions it goes to. So a thousand clients resuming after a restart cost one read of
 * each partition, not a thousand. A group is served by at most one reader at a time; after one
 * slice it goes back in line so other partitions get their turn. A session whose buffer is full
 * leaves the group and is retried later instead of holding the reader. Sessions that have delivered
 * everything the live dispatcher has dispatched are handed over to it in one request per batch,
 * through the narrow {@link CatchUpHandover}.
 *
 * <p>Lifecycle: {@link #start()} creates the readers' consumers and starts their threads; {@link
 * #close()} stops them.
 */
final class CatchUpReaders implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatchUpReaders.class);

  private final CatchUpHandover dispatcher;
  private final GatewayKafkaClients clients;
  private final String clientIdPrefix;
  private final Topic<String, JobEvent> topic;
  private final DeliveryProperties props;
  private final JobEventDecoder decoder;
  private final ServerFrames frames;
  private final DeliveryMetrics metrics;
  private final ConcurrentHashMap<Integer, CatchUpGroup> groups = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<CatchUpGroup> ready = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService retries;
  private final List<Reader> readers = new ArrayList<>();
  private volatile boolean running;

  CatchUpReaders(
      CatchUpHandover dispatcher,
      GatewayKafkaClients clients,
      String clientIdPrefix,
      Topic<String, JobEvent> topic,
      DeliveryProperties props,
      JobEventDecoder decoder,
      ServerFrames frames,
      DeliveryMetrics metrics) {
    this.dispatcher = dispatcher;
    this.clients = clients;
    this.clientIdPrefix = clientIdPrefix;
    this.topic = topic;
    this.props = props;
    this.decoder = decoder;
    this.frames = frames;
    this.metrics = metrics;
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "catch-up-retry");
              t.setDaemon(true);
              return t;
            });
  }

  /** Creates the readers and starts their threads. Call once. */
  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
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
    CatchUpGroup g = groups.computeIfAbsent(s.partition, CatchUpGroup::new);
    g.incoming.add(s);
    schedule(g);
  }

  private void schedule(CatchUpGroup g) {
    if (g.scheduled.compareAndSet(false, true)) {
      ready.add(g);
    }
  }

  private void retryLater(SessionState s) {
    if (running) {
      retries.schedule(() -> submit(s), props.catchUpRetry().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      running = false;
    }
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

  /**
   * Fetches the topic's metadata once, so the broker connection and metadata are there before the
   * first session needs them (after a restart, every client resumes at once).
   */
  static void warmUp(KafkaConsumer<String, byte[]> consumer, String topic) {
    try {
      consumer.partitionsFor(topic, Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.debug("Metadata warm-up of {} failed; the first read will fetch it", topic, e);
    }
  }

  private static boolean catchingUp(SessionState s) {
    return s.mode.catchingUp();
  }

  private final class Reader implements Runnable {
    final KafkaConsumer<String, byte[]> consumer;
    Thread thread;

    Reader(KafkaConsumer<String, byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void run() {
      warmUp(consumer, topic.name());
      try {
        while (running) {
          CatchUpGroup g;
          try {
            g = ready.poll(100, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
          if (g == null) {
            continue;
          }
          try {
            serve(g);
          } catch (WakeupException e) {
            return;
          } catch (RecordNotYetDecodableException e) {
            log.debug("Catch-up of partition {} waits for the registry: {}", g.partition, e);
            retryAll(g);
          } catch (RuntimeException e) {
            if (!running) {
              return;
            }
            log.error("Catch-up of partition {} failed; retrying", g.partition, e);
            retryAll(g);
          } finally {
            release(g);
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

    /** Every session of the group, members and deferred, offered again after catchUpRetry. */
    private void retryAll(CatchUpGroup g) {
      for (SessionState s : g.all()) {
        g.remove(s);
        retryLater(s);
      }
      for (SessionState s : g.deferred) {
        s.inCatchUpGroup = false;
        retryLater(s);
      }
      g.deferred.clear();
    }

    /** Back in line if there is more to do, else unscheduled (re-checking late arrivals). */
    private void release(CatchUpGroup g) {
      if (!running) {
        return;
      }
      if (g.members > 0 || !g.deferred.isEmpty() || !g.incoming.isEmpty()) {
        ready.add(g);
        return;
      }
      g.scheduled.set(false);
      if (!g.incoming.isEmpty()) {
        schedule(g);
      }
    }

    private void serve(CatchUpGroup g) {
      TopicPartition tp = new TopicPartition(topic.name(), g.partition);
      consumer.assign(List.of(tp));
      promoteDeferred(g);
      absorb(g, -1);
      if (g.members == 0) {
        return;
      }
      consumer.seek(tp, minStart(g));
      if (log.isDebugEnabled()) {
        log.debug(
            "Catch-up pass on partition {}: {} sessions from offset {}",
            g.partition,
            g.members,
            minStart(g));
      }
      int scanned = 0;
      while (running) {
        handOver(g);
        if (g.members == 0) {
          // This pass is over; the sessions that joined behind it get the next one.
          promoteDeferred(g);
          absorb(g, -1);
          if (g.members == 0) {
            return;
          }
          consumer.seek(tp, minStart(g));
        }
        if (scanned >= props.catchUpSlice()) {
          return; // let the other partitions waiting for a reader have a turn
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(props.pollTimeout());
        } catch (OffsetOutOfRangeException e) {
          dropBelowLogStart(g, tp);
          if (g.members == 0) {
            return;
          }
          consumer.seek(tp, minStart(g));
          continue;
        }
        for (ConsumerRecord<String, byte[]> r : records) {
          scanned++;
          List<SessionState> sessions = g.byUser.get(r.key());
          if (sessions != null) {
            try {
              deliver(g, sessions, r);
            } catch (RecordNotYetDecodableException e) {
              // Nobody got this record: every member's deliveredThrough stays below it, and the
              // members are offered again after catchUpRetry (run()), reading it again then.
              consumer.seek(tp, r.offset());
              throw e;
            }
          }
        }
        // Everything up to the position was scanned: nothing more of these users below it
        // (other users' records, control records). Every member started at or above the seek.
        long scannedThrough = consumer.position(tp) - 1;
        for (List<SessionState> list : g.byUser.values()) {
          for (int i = 0; i < list.size(); i++) {
            SessionState s = list.get(i);
            if (s.deliveredThrough < scannedThrough && catchingUp(s)) {
              s.deliveredThrough = scannedThrough;
            }
          }
        }
        // Newcomers at or ahead of the reader join this pass; those behind wait for the next one
        // (seeking back for each of them would re-read the stretch once per reconnecting client).
        absorb(g, consumer.position(tp));
      }
    }

    /** Offers one record to the group's sessions of its user that have not had it yet. */
    private void deliver(
        CatchUpGroup g, List<SessionState> sessions, ConsumerRecord<String, byte[]> r) {
      long offset = r.offset();
      boolean decoded = false;
      JobEvent event = null;
      String frame = null;
      int sent = 0;
      for (int i = 0; i < sessions.size(); ) {
        SessionState s = sessions.get(i);
        if (!catchingUp(s)) {
          g.remove(s); // unsubscribed meanwhile
          continue;
        }
        if (offset <= s.deliveredThrough) {
          i++;
          continue;
        }
        if (!decoded) {
          decoded = true;
          event = decoder.decode(r);
          if (event != null) {
            try {
              frame = frames.eventFrame(event, new LogPosition(r.partition(), offset));
            } catch (UnknownPayloadException e) {
              metrics.unknownPayload();
            }
          }
        }
        if (frame != null && !s.session.offer(frame)) {
          g.remove(s);
          if (s.session.isOpen()) {
            s.markSlow();
            retryLater(s);
          }
          continue;
        }
        if (frame != null) {
          sent++;
        }
        s.deliveredThrough = offset;
        i++;
      }
      if (sent > 0) {
        metrics.framesSent(sent);
        metrics.latencyFrom(event.getOccurredAt().toEpochMilli());
      }
    }

    /** Asks the dispatcher, in one request, to take over every member that has caught up. */
    private void handOver(CatchUpGroup g) {
      long dispatched = dispatcher.dispatchedThrough(g.partition);
      List<SessionState> due = null;
      for (SessionState s : g.all()) {
        DeliveryMode m = s.mode;
        if (!m.catchingUp()) {
          g.remove(s);
          continue;
        }
        long target = m == DeliveryMode.BUFFERING ? s.switchPoint : dispatched;
        if (s.deliveredThrough >= target) {
          if (due == null) {
            due = new ArrayList<>();
          }
          due.add(s);
        }
      }
      if (due == null) {
        return;
      }
      Reply[] replies = dispatcher.requestHandover(due);
      if (log.isDebugEnabled()) {
        log.debug(
            "Hand-over on partition {}: {} due, replies {}",
            g.partition,
            due.size(),
            Arrays.toString(replies));
      }
      for (int i = 0; i < replies.length; i++) {
        if (replies[i] != Reply.CONTINUE) {
          g.remove(due.get(i));
        }
      }
    }

    /**
     * Moves newly submitted sessions into the group: into the current pass if they start at or
     * after {@code position} (any position when negative), else into the deferred list.
     */
    private void absorb(CatchUpGroup g, long position) {
      SessionState s;
      while ((s = g.incoming.poll()) != null) {
        if (s.inCatchUpGroup || !catchingUp(s) || !s.session.isOpen() || tooSlow(s)) {
          continue;
        }
        if (position >= 0 && s.deliveredThrough + 1 < position) {
          s.inCatchUpGroup = true;
          g.deferred.add(s);
        } else {
          g.add(s);
        }
      }
    }

    /**
     * Starts a pass for the deferred sessions (the caller seeks to the group's smallest cursor).
     */
    private void promoteDeferred(CatchUpGroup g) {
      for (SessionState s : g.deferred) {
        s.inCatchUpGroup = false;
        if (catchingUp(s) && s.session.isOpen()) {
          g.add(s);
        }
      }
      g.deferred.clear();
    }

    private long minStart(CatchUpGroup g) {
      long min = Long.MAX_VALUE;
      for (List<SessionState> list : g.byUser.values()) {
        for (SessionState s : list) {
          min = Math.min(min, s.deliveredThrough + 1);
        }
      }
      return min;
    }

    /** Retention removed what some members had not seen yet: they must start over. */
    private void dropBelowLogStart(CatchUpGroup g, TopicPartition tp) {
      long logStart = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
      for (SessionState s : g.all()) {
        if (s.deliveredThrough + 1 < logStart) {
          g.remove(s);
          dispatcher.closeTooSlow(s, "its position fell below the log start");
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
        dispatcher.closeTooSlow(
            s, "behind live for " + TimeUnit.NANOSECONDS.toMillis(behindNanos) + " ms");
        return true;
      }
      long dispatched = dispatcher.dispatchedThrough(s.partition);
      if (dispatched != Long.MAX_VALUE && dispatched - s.deliveredThrough > props.slowMaxLag()) {
        dispatcher.closeTooSlow(s, "lagging " + (dispatched - s.deliveredThrough) + " offsets");
        return true;
      }
      return false;
    }
  }
}
