package io.regen.realtime.gateway.delivery;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.EventFrameEncoder.UnknownPayloadException;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event delivery of one gateway node: ONE {@link KafkaConsumer} on a dedicated dispatcher thread,
 * manually assigned to the partitions of the events topic that hold connected users, fanning each
 * record out to the sessions of its key's user. Catch-up (resume from a cursor, slow clients) is
 * read by a small pool of catch-up consumers ({@link CatchUpReaders}), never one per client.
 *
 * <p>Threads and ownership: the dispatcher thread alone touches the consumer, the user → sessions
 * map and the partition assignment; other threads talk to it through a command queue. Each
 * partition's "dispatched through" offset is written by the dispatcher only. A session is either
 * {@link Mode#LIVE} (the dispatcher offers it records with offset greater than its {@code
 * deliveredThrough}), {@link Mode#CATCHING_UP} (the dispatcher skips it; one catch-up reader owns
 * it), or {@link Mode#BUFFERING} (hand-over in progress: the reader delivers up to a fixed switch
 * point while the dispatcher holds the frames after it, then releases them and goes live). Only one
 * thread offers to a session at any time, and the hand-over happens on the dispatcher thread, so
 * there is no gap and no duplicate.
 *
 * <p>A record's JSON is built once and the same String is offered to every live session of the
 * user; records of users without a live session here are not even decoded.
 */
public final class KafkaEventDelivery implements EventDelivery, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventDelivery.class);

  /** Frames a session may accumulate in the dispatcher during one hand-over before it gives up. */
  static final int HANDOVER_BUFFER_LIMIT = 2_000;

  enum Mode {
    PENDING,
    CATCHING_UP,
    BUFFERING,
    LIVE,
    CLOSED
  }

  private final Topic<String, JobEvent> topic;
  private final DeliveryProperties props;
  private final Deserializer<JobEvent> valueDeserializer;
  private final EventFrameEncoder encoder;
  private final DeliveryMetrics metrics;
  private final InMemoryJobLocator sightings;
  private final Admin admin;
  private final OffsetLookups offsets;
  private final KafkaConsumer<String, byte[]> consumer;
  private final CatchUpReaders catchUp;
  private final Thread dispatcher;
  private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
  private final ConcurrentHashMap<ClientSession, SessionState> bySession =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, PartitionState> partitions = new ConcurrentHashMap<>();
  private final AtomicLong undecodableLogged = new AtomicLong();
  private volatile boolean running = true;
  private volatile int partitionCount = -1;

  private final KafkaClientMetrics consumerMetrics;

  // Owned by the dispatcher thread.
  private final Map<String, List<SessionState>> byUser = new HashMap<>();

  /**
   * @param sightings where the first event of each job seen live is remembered (for replay); may be
   *     null
   */
  public KafkaEventDelivery(
      Topic<String, JobEvent> topic,
      KafkaClients clients,
      Deserializer<JobEvent> valueDeserializer,
      DeliveryProperties props,
      DeliveryMetrics metrics,
      InMemoryJobLocator sightings) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.props = Objects.requireNonNull(props, "props");
    this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.sightings = sightings;
    this.encoder = new EventFrameEncoder();
    String id = "gateway-delivery-" + Long.toHexString(System.nanoTime());
    this.admin = clients.admin(id + "-admin");
    this.offsets = new OffsetLookups(admin);
    // Out of range (retention overtook the dispatcher): carry on from the oldest record kept.
    this.consumer = clients.consumer(id, "earliest");
    this.consumerMetrics = metrics.bindConsumer(consumer);
    this.catchUp = new CatchUpReaders(this, clients, id);
    this.dispatcher = new Thread(this::dispatchLoop, "event-dispatcher");
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
  }

  // ---------------------------------------------------------------- public API (any thread)

  @Override
  public Subscription subscribe(ClientSession session, String cursor) {
    ensureRunning();
    SessionState previous = bySession.get(session);
    if (previous != null) {
      unsubscribe(session);
    }
    String userId = session.userId();
    int partition = UserPartitioner.partitionOf(userId, partitionCount());
    TopicPartition tp = new TopicPartition(topic.name(), partition);
    LogPosition requested = parseCursor(cursor);
    boolean checkCursor = requested != null && requested.partition() == partition;
    // Both look-ups in flight at once, batched with other subscribes' (see OffsetLookups).
    var latest = offsets.end(tp);
    var earliest = checkCursor ? offsets.logStart(tp) : null;
    long end = await(latest);
    boolean resumed = false;
    long mark = end - 1;
    if (checkCursor) {
      long logStart = await(earliest);
      long o = requested.offset();
      // o is the last event the client saw: resumable when o+1 is still kept and o was written.
      if (o + 1 >= logStart && o < end) {
        resumed = true;
        mark = o;
      }
    }
    if (cursor != null) {
      metrics.resume(resumed);
    }
    SessionState state = new SessionState(session, userId, partition, mark, end);
    bySession.put(session, state);
    String latestCursor = end > 0 ? new LogPosition(partition, end - 1).toCursor() : null;
    return new StateSubscription(state, resumed, latestCursor);
  }

  @Override
  public void unsubscribe(ClientSession session) {
    SessionState state = bySession.remove(session);
    if (state != null) {
      state.mode = Mode.CLOSED;
      command(() -> detach(state));
    }
  }

  /** Sessions currently registered (subscribed and not unsubscribed). */
  public int sessionCount() {
    return bySession.size();
  }

  /** Partitions the live consumer is assigned, for tests and diagnostics. */
  public java.util.Set<Integer> assignedPartitions() {
    return java.util.Set.copyOf(partitions.keySet());
  }

  public DeliveryMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    consumer.wakeup();
    try {
      dispatcher.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    catchUp.close();
    admin.close(Duration.ofSeconds(5));
    consumerMetrics.close();
  }

  // ---------------------------------------------------------------- subscribe helpers

  private void ensureRunning() {
    if (!running) {
      throw new IllegalStateException("event delivery is closed");
    }
  }

  private static LogPosition parseCursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return LogPosition.fromCursor(cursor.trim());
    } catch (IllegalArgumentException e) {
      return null; // unknown cursor: not resumed, live from now
    }
  }

  private int partitionCount() {
    int n = partitionCount;
    if (n > 0) {
      return n;
    }
    try {
      n =
          admin
              .describeTopics(List.of(topic.name()))
              .allTopicNames()
              .get(props.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .get(topic.name())
              .partitions()
              .size();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe topic " + topic.name() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    partitionCount = n;
    return n;
  }

  private long await(java.util.concurrent.CompletableFuture<Long> future) {
    try {
      return future.get(props.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read offsets of " + topic.name() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void command(Runnable command) {
    commands.add(command);
  }

  // ---------------------------------------------------------------- dispatcher thread

  private void dispatchLoop() {
    // Connections and metadata before the first subscribe needs them (a restarted gateway is
    // asked to resume every client at once).
    CatchUpReaders.warmUp(consumer, topic.name());
    try {
      partitionCount();
    } catch (RuntimeException e) {
      log.debug("Partition count warm-up failed; the first subscribe will retry", e);
    }
    try {
      while (running) {
        try {
          runCommands();
          if (partitions.isEmpty()) {
            Runnable next = commands.poll(props.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (next != null) {
              next.run();
            }
            continue;
          }
          ConsumerRecords<String, byte[]> records = consumer.poll(props.pollTimeout());
          for (TopicPartition tp : records.partitions()) {
            PartitionState ps = partitions.get(tp.partition());
            if (ps != null) {
              for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                dispatch(r, ps);
              }
            }
          }
          for (PartitionState ps : partitions.values()) {
            ps.dispatchedThrough = Math.max(ps.dispatchedThrough, consumer.position(ps.tp) - 1);
          }
        } catch (WakeupException e) {
          // close() or nothing: the loop condition decides
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          if (running) {
            log.error("Event dispatcher iteration failed; continuing", e);
          }
        }
      }
    } finally {
      try {
        consumer.close(
            org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      } catch (RuntimeException e) {
        log.debug("closing the delivery consumer", e);
      }
    }
  }

  private void runCommands() {
    Runnable c;
    while ((c = commands.poll()) != null) {
      try {
        c.run();
      } catch (RuntimeException e) {
        log.error("Delivery command failed", e);
      }
    }
  }

  private void dispatch(ConsumerRecord<String, byte[]> r, PartitionState ps) {
    List<SessionState> sessions = byUser.get(r.key());
    if (sessions == null) {
      return;
    }
    long offset = r.offset();
    boolean wanted = false;
    for (int i = 0; i < sessions.size(); i++) {
      SessionState s = sessions.get(i);
      Mode m = s.mode;
      if ((m == Mode.LIVE && offset > s.deliveredThrough) || m == Mode.BUFFERING) {
        wanted = true;
        break;
      }
    }
    if (!wanted) {
      return;
    }
    JobEvent event = decode(r);
    if (event == null) {
      return;
    }
    String frame;
    try {
      frame = encoder.eventFrame(event, new LogPosition(ps.partition, offset));
    } catch (UnknownPayloadException e) {
      metrics.unknownPayload();
      return;
    }
    if (sightings != null && event.getSeq() == 0) {
      sightings.recordFirst(event.getJobId(), r.key(), ps.partition, offset);
    }
    int sent = 0;
    for (int i = 0; i < sessions.size(); i++) {
      SessionState s = sessions.get(i);
      Mode m = s.mode;
      if (m == Mode.LIVE && offset > s.deliveredThrough) {
        if (s.session.offer(frame)) {
          s.deliveredThrough = offset;
          sent++;
        } else if (s.session.isOpen()) {
          fallBehind(s);
        } else {
          s.mode = Mode.CLOSED; // the socket layer unsubscribes it
        }
      } else if (m == Mode.BUFFERING && offset > s.switchPoint) {
        if (s.handoverBuffer.size() >= HANDOVER_BUFFER_LIMIT) {
          // The reader is not getting there: drop the held frames, keep catching up.
          s.handoverBuffer = null;
          s.mode = Mode.CATCHING_UP;
        } else {
          s.handoverBuffer.add(new HeldFrame(offset, frame));
        }
      }
    }
    if (sent > 0) {
      metrics.framesSent(sent);
      metrics.latencyFrom(event.getOccurredAt().toEpochMilli());
    }
  }

  JobEvent decode(ConsumerRecord<String, byte[]> r) {
    try {
      JobEvent e = valueDeserializer.deserialize(r.topic(), r.headers(), r.value());
      if (e == null) {
        throw new IllegalArgumentException("null value");
      }
      return e;
    } catch (RuntimeException e) {
      metrics.undecodable();
      long n = undecodableLogged.incrementAndGet();
      if (n <= 10 || n % 1000 == 0) {
        log.warn(
            "Skipping undecodable record {}-{}@{} ({} so far): {}",
            r.topic(),
            r.partition(),
            r.offset(),
            n,
            e.toString());
      }
      return null;
    }
  }

  private void fallBehind(SessionState s) {
    s.mode = Mode.CATCHING_UP;
    if (s.slowSinceNanos == 0) {
      s.slowSinceNanos = System.nanoTime();
    }
    metrics.slowFallback();
    catchUp.submit(s);
  }

  /** Registers a started session with the dispatcher; runs on the dispatcher thread. */
  private void attach(SessionState s) {
    if (s.mode != Mode.PENDING) {
      return; // unsubscribed before it started
    }
    PartitionState ps = partitions.get(s.partition);
    if (ps == null) {
      ps = new PartitionState(new TopicPartition(topic.name(), s.partition));
      ps.dispatchedThrough = s.liveEnd - 1;
      partitions.put(s.partition, ps);
      reassign();
      consumer.seek(ps.tp, s.liveEnd);
    }
    ps.sessions++;
    if (log.isDebugEnabled()) {
      log.debug(
          "Attached session {} of {} on partition {} at {} (dispatched through {})",
          s.session.sessionId(),
          s.userId,
          s.partition,
          s.deliveredThrough,
          ps.dispatchedThrough);
    }
    byUser.computeIfAbsent(s.userId, u -> new ArrayList<>(2)).add(s);
    s.attached = true;
    if (s.deliveredThrough >= ps.dispatchedThrough) {
      s.mode = Mode.LIVE;
    } else {
      s.mode = Mode.CATCHING_UP;
      catchUp.submit(s);
    }
  }

  /** Removes a session; runs on the dispatcher thread. */
  private void detach(SessionState s) {
    s.mode = Mode.CLOSED;
    s.handoverBuffer = null;
    if (!s.attached) {
      return;
    }
    s.attached = false;
    List<SessionState> list = byUser.get(s.userId);
    if (list != null) {
      list.remove(s);
      if (list.isEmpty()) {
        byUser.remove(s.userId);
      }
    }
    PartitionState ps = partitions.get(s.partition);
    if (ps != null && --ps.sessions == 0) {
      partitions.remove(s.partition);
      reassign();
    }
  }

  private void reassign() {
    List<TopicPartition> tps = new ArrayList<>(partitions.size());
    for (PartitionState ps : partitions.values()) {
      tps.add(ps.tp);
    }
    // Partitions kept keep their positions; only new ones need a seek.
    consumer.assign(tps);
  }

  /**
   * A catch-up reader has delivered everything of the session's user up to {@code
   * s.deliveredThrough}; may it go live? Runs on the dispatcher thread.
   */
  private HandoverReply handover(SessionState s) {
    Mode m = s.mode;
    if (m != Mode.CATCHING_UP && m != Mode.BUFFERING) {
      return HandoverReply.STOP;
    }
    PartitionState ps = partitions.get(s.partition);
    if (ps == null) {
      return HandoverReply.STOP;
    }
    if (m == Mode.CATCHING_UP) {
      if (s.deliveredThrough >= ps.dispatchedThrough) {
        goLive(s);
        return HandoverReply.LIVE;
      }
      // Behind by a few records: hold what the dispatcher sees from now on, let the reader
      // deliver up to this fixed point, then release the held frames.
      s.switchPoint = ps.dispatchedThrough;
      s.handoverBuffer = new ArrayList<>();
      s.mode = Mode.BUFFERING;
      return HandoverReply.CONTINUE;
    }
    if (s.deliveredThrough < s.switchPoint) {
      return HandoverReply.CONTINUE;
    }
    List<HeldFrame> held = s.handoverBuffer;
    s.handoverBuffer = null;
    s.mode = Mode.LIVE;
    int sent = 0;
    for (HeldFrame f : held) {
      if (f.offset <= s.deliveredThrough) {
        continue;
      }
      if (s.session.offer(f.frame)) {
        s.deliveredThrough = f.offset;
        sent++;
      } else {
        metrics.framesSent(sent);
        if (s.session.isOpen()) {
          fallBehind(s);
          return HandoverReply.STOP; // a new catch-up task owns the session now
        }
        s.mode = Mode.CLOSED;
        return HandoverReply.STOP;
      }
    }
    metrics.framesSent(sent);
    goLive(s);
    return HandoverReply.LIVE;
  }

  private void goLive(SessionState s) {
    s.mode = Mode.LIVE;
    s.slowSinceNanos = 0;
  }

  // ---------------------------------------------------------------- for CatchUpReaders

  enum HandoverReply {
    LIVE,
    CONTINUE,
    STOP
  }

  /**
   * Asks the dispatcher thread to hand caught-up sessions over, all in one command; blocks the
   * calling reader. The reply for {@code sessions.get(i)} is at index {@code i}.
   */
  HandoverReply[] requestHandover(List<SessionState> sessions) {
    var reply = new java.util.concurrent.CompletableFuture<HandoverReply[]>();
    command(
        () -> {
          HandoverReply[] out = new HandoverReply[sessions.size()];
          for (int i = 0; i < out.length; i++) {
            try {
              out[i] = handover(sessions.get(i));
            } catch (RuntimeException e) {
              log.error("Hand-over of session {} failed", sessions.get(i).session.sessionId(), e);
              out[i] = HandoverReply.CONTINUE;
            }
          }
          reply.complete(out);
        });
    HandoverReply fallback;
    try {
      return reply.get(props.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      fallback = running ? HandoverReply.CONTINUE : HandoverReply.STOP;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fallback = HandoverReply.STOP;
    }
    HandoverReply[] out = new HandoverReply[sessions.size()];
    java.util.Arrays.fill(out, fallback);
    return out;
  }

  long dispatchedThrough(int partition) {
    PartitionState ps = partitions.get(partition);
    return ps == null ? Long.MAX_VALUE : ps.dispatchedThrough;
  }

  boolean running() {
    return running;
  }

  DeliveryProperties props() {
    return props;
  }

  EventFrameEncoder encoder() {
    return encoder;
  }

  Topic<String, JobEvent> topic() {
    return topic;
  }

  /**
   * Closes a session that stayed behind past the limit; it resumes on reconnect with its cursor.
   */
  void closeTooSlow(SessionState s, String reason) {
    metrics.slowClose();
    log.info("Closing session {} of {} with 4009: {}", s.session.sessionId(), s.userId, reason);
    s.session.close(4009, "too slow; reconnect with your cursor");
    unsubscribe(s.session);
  }

  // ---------------------------------------------------------------- state

  static final class PartitionState {
    final TopicPartition tp;
    final int partition;
    volatile long dispatchedThrough = -1;
    int sessions; // dispatcher thread only

    PartitionState(TopicPartition tp) {
      this.tp = tp;
      this.partition = tp.partition();
    }
  }

  record HeldFrame(long offset, String frame) {}

  /** One subscribed session as delivery tracks it. */
  static final class SessionState {
    final ClientSession session;
    final String userId;
    final int partition;
    final long liveEnd;
    volatile Mode mode = Mode.PENDING;

    /**
     * Every event of the user at or below this offset has been offered. Written by whichever thread
     * owns the session's mode (dispatcher when live, a reader when catching up).
     */
    volatile long deliveredThrough;

    volatile long slowSinceNanos;

    /** Written by the dispatcher during a hand-over request; read by the reader after the reply. */
    volatile long switchPoint;

    boolean inCatchUpGroup; // the catch-up reader serving the session's partition only
    List<HeldFrame> handoverBuffer; // dispatcher thread only
    boolean attached; // dispatcher thread only

    SessionState(ClientSession session, String userId, int partition, long mark, long liveEnd) {
      this.session = session;
      this.userId = userId;
      this.partition = partition;
      this.deliveredThrough = mark;
      this.liveEnd = liveEnd;
    }
  }

  private final class StateSubscription implements Subscription {
    private final SessionState state;
    private final boolean resumed;
    private final String latestCursor;

    StateSubscription(SessionState state, boolean resumed, String latestCursor) {
      this.state = state;
      this.resumed = resumed;
      this.latestCursor = latestCursor;
    }

    @Override
    public boolean resumed() {
      return resumed;
    }

    @Override
    public String latestCursor() {
      return latestCursor;
    }

    @Override
    public void start() {
      if (state.mode == Mode.PENDING && running) {
        command(() -> attach(state));
      }
    }
  }
}
