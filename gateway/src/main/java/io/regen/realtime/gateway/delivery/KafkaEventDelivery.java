package io.regen.realtime.gateway.delivery;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.regen.realtime.events.JobEvent;
import io.regen.realtime.gateway.delivery.CursorResolver.StartPoint;
import io.regen.realtime.gateway.delivery.SessionState.HeldFrame;
import io.regen.realtime.gateway.jobs.InMemoryJobDirectory;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.gateway.kafka.JobEventDecoder;
import io.regen.realtime.gateway.kafka.RecordNotYetDecodableException;
import io.regen.realtime.gateway.kafka.RegistryBackoff;
import io.regen.realtime.gateway.protocol.CloseCode;
import io.regen.realtime.gateway.protocol.ServerFrames;
import io.regen.realtime.gateway.protocol.ServerFrames.UnknownPayloadException;
import io.regen.realtime.schemas.LogPosition;
import io.regen.realtime.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
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
 * <p>Lifecycle: the constructor creates the Kafka clients; {@link #start()} starts the dispatcher
 * thread and the catch-up readers; {@link #close()} stops them.
 *
 * <p>Threads and ownership: the dispatcher thread alone touches the consumer, the user → sessions
 * map and the partition assignment; other threads talk to it through a command queue. Each
 * partition's "dispatched through" offset is written by the dispatcher only. A session is either
 * {@link DeliveryMode#LIVE} (the dispatcher offers it records with offset greater than its {@code
 * deliveredThrough}), {@link DeliveryMode#CATCHING_UP} (the dispatcher skips it; one catch-up
 * reader owns it), or {@link DeliveryMode#BUFFERING} (hand-over in progress: the reader delivers up
 * to a fixed switch point while the dispatcher holds the frames after it, then releases them and
 * goes live). Only one thread offers to a session at any time, and the hand-over happens on the
 * dispatcher thread, so there is no gap and no duplicate.
 *
 * <p>A record's JSON is built once and the same String is offered to every live session of the
 * user; records of users without a live session here are not even decoded.
 */
public final class KafkaEventDelivery
    implements EventDelivery, CatchUpHandover, DispatcherLiveness, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventDelivery.class);

  /** Frames a session may accumulate in the dispatcher during one hand-over before it gives up. */
  static final int HANDOVER_BUFFER_LIMIT = 2_000;

  private final Topic<String, JobEvent> topic;
  private final DeliveryProperties props;
  private final JobEventDecoder decoder;
  private final ServerFrames frames = new ServerFrames();
  private final DeliveryMetrics metrics;
  private final InMemoryJobDirectory sightings;
  private final Admin admin;
  private final CursorResolver cursors;
  private final KafkaConsumer<String, byte[]> consumer;
  private final CatchUpReaders catchUp;
  private final Thread dispatcher;
  private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
  private final ConcurrentHashMap<ClientSession, SessionState> bySession =
      new ConcurrentHashMap<>();
  // Subscribes whose cursor is being resolved: session -> the ticket of its latest subscribe.
  private final ConcurrentHashMap<ClientSession, Object> pendingSubscribes =
      new ConcurrentHashMap<>();
  private final LiveRoutes routes;
  // Dispatcher thread only: partitions paused until the registry can decode their next record.
  private final Map<TopicPartition, Long> heldBackUntil = new HashMap<>();
  private final Map<TopicPartition, RegistryBackoff> backoffs = new HashMap<>();
  private volatile boolean running;
  private volatile boolean closed;
  // For DeliveryHealthIndicator: when the dispatcher last completed a poll with the cluster
  // reachable (System.nanoTime(); 0 = never), and the consumer's count of fetch responses.
  private volatile long lastPollNanos;
  private final Metric fetchResponses;
  private double fetchResponsesSeen; // dispatcher thread only

  private final KafkaClientMetrics consumerMetrics;

  /**
   * @param sightings where the first event of each job seen live is remembered (for replay); may be
   *     null
   */
  public KafkaEventDelivery(
      Topic<String, JobEvent> topic,
      GatewayKafkaClients clients,
      Deserializer<JobEvent> valueDeserializer,
      DeliveryProperties props,
      DeliveryMetrics metrics,
      InMemoryJobDirectory sightings) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.props = Objects.requireNonNull(props, "props");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.decoder =
        new JobEventDecoder(valueDeserializer, metrics::undecodable, metrics::registryUnavailable);
    this.sightings = sightings;
    String id = "gateway-delivery-" + Long.toHexString(System.nanoTime());
    this.admin = clients.admin(id + "-admin");
    this.cursors = new CursorResolver(topic, admin, props.subscribeTimeout());
    // Out of range (retention overtook the dispatcher): carry on from the oldest record kept.
    this.consumer = clients.consumer(id, "earliest");
    this.consumerMetrics = metrics.bindConsumer(consumer);
    this.fetchResponses = fetchResponses(consumer);
    this.routes = new LiveRoutes(consumer, topic.name());
    this.catchUp = new CatchUpReaders(this, clients, id, topic, props, decoder, frames, metrics);
    this.dispatcher = new Thread(this::dispatchLoop, "event-dispatcher");
    this.dispatcher.setDaemon(true);
  }

  /** Starts the dispatcher thread and the catch-up readers. Idempotent; not after close. */
  public synchronized void start() {
    if (running || closed) {
      return;
    }
    running = true;
    catchUp.start();
    dispatcher.start();
  }

  // ---------------------------------------------------------------- public API (any thread)

  @Override
  public CompletableFuture<Subscription> subscribeAsync(ClientSession session, String cursor) {
    if (!running) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              closed ? "event delivery is closed" : "event delivery is not started"));
    }
    if (bySession.containsKey(session)) {
      unsubscribe(session);
    }
    Object ticket = new Object();
    pendingSubscribes.put(session, ticket);
    String userId = session.userId();
    return cursors
        .resolve(userId, cursor)
        .whenComplete(
            (start, error) -> {
              if (error != null) {
                pendingSubscribes.remove(session, ticket);
              }
            })
        .thenApply(start -> register(session, ticket, cursor, start));
  }

  /**
   * Registers a resolved subscribe unless {@link #unsubscribe} came while it was pending. Both
   * decide under {@code bySession}'s lock for the session, so either the registration is seen by
   * the unsubscribe or the unsubscribe by the registration: nothing stays behind a closed session.
   */
  private Subscription register(
      ClientSession session, Object ticket, String cursor, StartPoint start) {
    SessionState state =
        new SessionState(session, session.userId(), start.partition(), start.mark(), start.end());
    SessionState registered =
        bySession.compute(
            session, (k, current) -> pendingSubscribes.remove(k, ticket) ? state : current);
    if (registered != state) {
      throw new CancellationException("unsubscribed while the subscribe was pending");
    }
    if (cursor != null) {
      metrics.resume(start.resumed());
    }
    return new StateSubscription(state, start.resumed(), start.latestCursor());
  }

  @Override
  public void unsubscribe(ClientSession session) {
    pendingSubscribes.remove(session);
    SessionState state = bySession.remove(session);
    if (state != null) {
      state.mode = DeliveryMode.CLOSED;
      command(() -> detach(state));
    }
  }

  /** Sessions currently registered (subscribed and not unsubscribed). */
  public int sessionCount() {
    return bySession.size();
  }

  /** Partitions the live consumer is assigned, for tests and diagnostics. */
  public Set<Integer> assignedPartitions() {
    return routes.assignedPartitions();
  }

  public DeliveryMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    boolean wasRunning;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      wasRunning = running;
      running = false;
    }
    catchUp.close(); // first: its readers may be waiting for the dispatcher's hand-over replies
    if (wasRunning) {
      consumer.wakeup();
      try {
        dispatcher.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      closeConsumer(); // the dispatcher, which closes it, never ran
    }
    admin.close(Duration.ofSeconds(5));
    consumerMetrics.close();
  }

  @Override
  public boolean dispatcherAlive() {
    return running && dispatcher.isAlive();
  }

  @Override
  public OptionalLong lastPollNanos() {
    long last = lastPollNanos;
    return last == 0 ? OptionalLong.empty() : OptionalLong.of(last);
  }

  // ---------------------------------------------------------------- helpers

  /** Dispatcher thread: a fetch response arrived since the last call, or none is due (paused). */
  private boolean brokerAnswered() {
    if (fetchResponses == null || !(fetchResponses.metricValue() instanceof Number n)) {
      return true;
    }
    double seen = n.doubleValue();
    boolean answered = seen > fetchResponsesSeen;
    fetchResponsesSeen = seen;
    return answered || consumer.paused().containsAll(consumer.assignment());
  }

  private static Metric fetchResponses(KafkaConsumer<?, ?> consumer) {
    return consumer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("fetch-total"))
        .filter(e -> e.getKey().group().equals("consumer-fetch-manager-metrics"))
        .map(e -> (Metric) e.getValue())
        .findFirst()
        .orElse(null);
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
      cursors.partitionCount();
    } catch (RuntimeException e) {
      log.debug("Partition count warm-up failed; the first subscribe will retry", e);
    }
    try {
      while (running) {
        try {
          runCommands();
          if (routes.isEmpty()) {
            // Nothing assigned, nothing to fetch: waiting for commands is this loop's poll.
            lastPollNanos = System.nanoTime();
            Runnable next = commands.poll(props.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (next != null) {
              next.run();
            }
            continue;
          }
          resumeHeldBack();
          ConsumerRecords<String, byte[]> records = consumer.poll(props.pollTimeout());
          // A poll returns empty when no broker answers: it only counts with a fetch answered.
          if (brokerAnswered()) {
            lastPollNanos = System.nanoTime();
          }
          for (TopicPartition tp : records.partitions()) {
            PartitionState ps = routes.partition(tp.partition());
            if (ps != null) {
              for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                try {
                  dispatch(r, ps);
                } catch (RecordNotYetDecodableException e) {
                  holdBack(tp, r.offset());
                  break;
                }
              }
            }
          }
          for (PartitionState ps : routes.assigned()) {
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
      closeConsumer();
    }
  }

  /**
   * The registry cannot decode the record at {@code offset} now: read it again after a backoff,
   * pausing only this partition (the others keep flowing). Its position goes back to the record, so
   * {@code dispatchedThrough} never passes it and no session is handed over beyond it.
   */
  private void holdBack(TopicPartition tp, long offset) {
    consumer.seek(tp, offset);
    consumer.pause(List.of(tp));
    RegistryBackoff backoff = backoffs.computeIfAbsent(tp, t -> new RegistryBackoff());
    heldBackUntil.put(tp, System.nanoTime() + backoff.nextDelayNanos());
  }

  private void resumeHeldBack() {
    if (heldBackUntil.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    var assigned = consumer.assignment();
    var it = heldBackUntil.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (!assigned.contains(e.getKey())) {
        it.remove();
        backoffs.remove(e.getKey());
      } else if (now - e.getValue() >= 0) {
        it.remove();
        consumer.resume(List.of(e.getKey()));
      }
    }
  }

  private void closeConsumer() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      log.debug("closing the delivery consumer", e);
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
    List<SessionState> sessions = routes.sessionsOf(r.key());
    if (sessions == null) {
      return;
    }
    long offset = r.offset();
    boolean wanted = false;
    for (int i = 0; i < sessions.size(); i++) {
      SessionState s = sessions.get(i);
      DeliveryMode m = s.mode;
      if ((m == DeliveryMode.LIVE && offset > s.deliveredThrough) || m == DeliveryMode.BUFFERING) {
        wanted = true;
        break;
      }
    }
    if (!wanted) {
      return;
    }
    JobEvent event = decoder.decode(r);
    RegistryBackoff backoff = backoffs.get(ps.tp);
    if (backoff != null) {
      backoff.reset();
    }
    if (event == null) {
      return;
    }
    String frame;
    try {
      frame = frames.eventFrame(event, new LogPosition(ps.partition, offset));
    } catch (UnknownPayloadException e) {
      metrics.unknownPayload();
      return;
    }
    if (sightings != null && event.getSeq() == 0) {
      sightings.recordFirstEvent(event.getJobId(), r.key(), new LogPosition(ps.partition, offset));
    }
    int sent = 0;
    for (int i = 0; i < sessions.size(); i++) {
      SessionState s = sessions.get(i);
      DeliveryMode m = s.mode;
      if (m == DeliveryMode.LIVE && offset > s.deliveredThrough) {
        if (s.session.offer(frame)) {
          s.deliveredThrough = offset;
          sent++;
        } else if (s.session.isOpen()) {
          fallBehind(s);
        } else {
          s.mode = DeliveryMode.CLOSED; // the socket layer unsubscribes it
        }
      } else if (m == DeliveryMode.BUFFERING && offset > s.switchPoint) {
        if (s.handoverBuffer.size() >= HANDOVER_BUFFER_LIMIT) {
          // The reader is not getting there: drop the held frames, keep catching up.
          s.handoverBuffer = null;
          s.mode = DeliveryMode.CATCHING_UP;
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

  private void fallBehind(SessionState s) {
    s.mode = DeliveryMode.CATCHING_UP;
    s.markSlow();
    metrics.slowFallback();
    catchUp.submit(s);
  }

  /** Registers a started session with the dispatcher; runs on the dispatcher thread. */
  private void attach(SessionState s) {
    if (s.mode != DeliveryMode.PENDING) {
      return; // unsubscribed before it started
    }
    PartitionState ps = routes.attach(s);
    if (s.deliveredThrough >= ps.dispatchedThrough) {
      s.mode = DeliveryMode.LIVE;
    } else {
      s.mode = DeliveryMode.CATCHING_UP;
      catchUp.submit(s);
    }
  }

  /** Removes a session; runs on the dispatcher thread. */
  private void detach(SessionState s) {
    s.mode = DeliveryMode.CLOSED;
    s.handoverBuffer = null;
    routes.detach(s);
  }

  /**
   * A catch-up reader has delivered everything of the session's user up to {@code
   * s.deliveredThrough}; may it go live? Runs on the dispatcher thread.
   */
  private Reply handover(SessionState s) {
    DeliveryMode m = s.mode;
    if (m != DeliveryMode.CATCHING_UP && m != DeliveryMode.BUFFERING) {
      return Reply.STOP;
    }
    PartitionState ps = routes.partition(s.partition);
    if (ps == null) {
      return Reply.STOP;
    }
    if (m == DeliveryMode.CATCHING_UP) {
      if (s.deliveredThrough >= ps.dispatchedThrough) {
        goLive(s);
        return Reply.LIVE;
      }
      // Behind by a few records: hold what the dispatcher sees from now on, let the reader
      // deliver up to this fixed point, then release the held frames.
      s.switchPoint = ps.dispatchedThrough;
      s.handoverBuffer = new ArrayList<>();
      s.mode = DeliveryMode.BUFFERING;
      return Reply.CONTINUE;
    }
    if (s.deliveredThrough < s.switchPoint) {
      return Reply.CONTINUE;
    }
    List<HeldFrame> held = s.handoverBuffer;
    s.handoverBuffer = null;
    s.mode = DeliveryMode.LIVE;
    int sent = 0;
    for (HeldFrame f : held) {
      if (f.offset() <= s.deliveredThrough) {
        continue;
      }
      if (s.session.offer(f.frame())) {
        s.deliveredThrough = f.offset();
        sent++;
      } else {
        metrics.framesSent(sent);
        if (s.session.isOpen()) {
          fallBehind(s);
          return Reply.STOP; // a new catch-up task owns the session now
        }
        s.mode = DeliveryMode.CLOSED;
        return Reply.STOP;
      }
    }
    metrics.framesSent(sent);
    goLive(s);
    return Reply.LIVE;
  }

  private void goLive(SessionState s) {
    s.mode = DeliveryMode.LIVE;
    s.slowSinceNanos = 0;
  }

  // ---------------------------------------------------------------- CatchUpHandover

  @Override
  public Reply[] requestHandover(List<SessionState> sessions) {
    var reply = new CompletableFuture<Reply[]>();
    command(
        () -> {
          Reply[] out = new Reply[sessions.size()];
          for (int i = 0; i < out.length; i++) {
            try {
              out[i] = handover(sessions.get(i));
            } catch (RuntimeException e) {
              log.error("Hand-over of session {} failed", sessions.get(i).session.sessionId(), e);
              out[i] = Reply.CONTINUE;
            }
          }
          reply.complete(out);
        });
    Reply fallback;
    try {
      return reply.get(props.subscribeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      fallback = running ? Reply.CONTINUE : Reply.STOP;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fallback = Reply.STOP;
    }
    Reply[] out = new Reply[sessions.size()];
    Arrays.fill(out, fallback);
    return out;
  }

  @Override
  public long dispatchedThrough(int partition) {
    PartitionState ps = routes.partition(partition);
    return ps == null ? Long.MAX_VALUE : ps.dispatchedThrough;
  }

  @Override
  public void closeTooSlow(SessionState s, String reason) {
    metrics.slowClose();
    log.info(
        "Closing session {} of {} with {}: {}",
        s.session.sessionId(),
        s.userId,
        CloseCode.TOO_SLOW,
        reason);
    s.session.close(CloseCode.TOO_SLOW, "too slow; reconnect with your cursor");
    unsubscribe(s.session);
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
      if (state.mode == DeliveryMode.PENDING && running) {
        command(() -> attach(state));
      }
    }
  }
}
