package io.regen.realtime.gateway.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.regen.realtime.events.SessionEvent;
import io.regen.realtime.gateway.kafka.GatewayKafkaClients;
import io.regen.realtime.schemas.Topic;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link SessionEvent}s to {@link Topics#GATEWAY_SESSIONS} (key = userId; {@code
 * acks=all}, idempotent producer, value in Confluent wire format via {@link RegistrySerdes}).
 *
 * <p>Callers only offer the event to a bounded queue; one thread ({@code session-events}) hands
 * queued events to the producer, so a slow broker, a metadata fetch or a schema registry call never
 * reaches the caller. A full queue or a failed send drops the event and counts it ({@code
 * regen_session_events_failed_total{reason}}); successes count in {@code
 * regen_session_events_published_total}.
 */
public final class KafkaSessionEventPublisher implements SessionEventPublisher {
  private static final Logger log = LoggerFactory.getLogger(KafkaSessionEventPublisher.class);
  public static final int DEFAULT_BUFFER = 10_000;
  private static final long LOG_EVERY_MS = 10_000;

  private final Producer<String, SessionEvent> producer;
  private final Topic<String, SessionEvent> topic;
  private final Clock clock;
  private final BlockingQueue<SessionEvent> queue;
  private final Thread sender;
  private final Counter published;
  private final Counter bufferFull;
  private final Counter sendFailed;
  private final Counter invalid;
  private final AtomicLong lastFailureLog = new AtomicLong();
  private volatile boolean closing;

  /** Uses {@code producer} (it must be idempotent with {@code acks=all}; see {@link #create}). */
  public KafkaSessionEventPublisher(
      Producer<String, SessionEvent> producer,
      Topic<String, SessionEvent> topic,
      int bufferCapacity,
      Clock clock,
      MeterRegistry meters) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.queue = new ArrayBlockingQueue<>(bufferCapacity > 0 ? bufferCapacity : DEFAULT_BUFFER);
    this.published =
        Counter.builder("regen.session.events.published")
            .description("Session events acknowledged by Kafka")
            .register(meters);
    this.bufferFull = failedCounter(meters, "buffer_full");
    this.sendFailed = failedCounter(meters, "send_failed");
    this.invalid = failedCounter(meters, "invalid");
    Gauge.builder("regen.session.events.buffered", queue, BlockingQueue::size)
        .description("Session events waiting to be handed to the Kafka producer")
        .register(meters);
    this.sender = new Thread(this::sendLoop, "session-events");
    sender.setDaemon(true);
    sender.start();
  }

  /**
   * A publisher with its own idempotent producer.
   *
   * @param overrides extra producer settings (e.g. security), applied last
   * @param bufferCapacity events that may wait for the producer; more are dropped and counted
   */
  public static KafkaSessionEventPublisher create(
      GatewayKafkaClients clients,
      SchemaRegistryClient registry,
      String clientId,
      Map<String, Object> overrides,
      int bufferCapacity,
      MeterRegistry meters) {
    Topic<String, SessionEvent> topic = Topics.GATEWAY_SESSIONS;
    KafkaProducer<String, SessionEvent> producer =
        clients.sessionEventProducer(
            clientId, new RegistrySerdes(registry).valueSerializer(topic), overrides);
    return new KafkaSessionEventPublisher(
        producer, topic, bufferCapacity, Clock.systemUTC(), meters);
  }

  @Override
  public void started(String userId, String sessionId, String node) {
    try {
      enqueue(SessionEvents.started(userId, sessionId, node, clock.instant()));
    } catch (RuntimeException e) {
      failed(invalid, "cannot build session event", e);
    }
  }

  @Override
  public void ended(String userId, String sessionId, String node, Duration duration) {
    try {
      enqueue(SessionEvents.ended(userId, sessionId, node, duration, clock.instant()));
    } catch (RuntimeException e) {
      failed(invalid, "cannot build session event", e);
    }
  }

  /** Events offered but not yet handed to the producer. */
  public int buffered() {
    return queue.size();
  }

  /** Hands what is queued to the producer, flushes it (at most ~5 s) and closes it. */
  @Override
  public void close() {
    closing = true;
    try {
      sender.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }

  private void enqueue(SessionEvent event) {
    if (closing || !queue.offer(event)) {
      failed(bufferFull, "session event buffer full (or closing); event dropped", null);
    }
  }

  private void sendLoop() {
    // Polls instead of being interrupted: an interrupt inside producer.send would lose the event.
    while (!closing || !queue.isEmpty()) {
      try {
        SessionEvent event = queue.poll(100, TimeUnit.MILLISECONDS);
        if (event != null) {
          send(event);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void send(SessionEvent event) {
    try {
      producer.send(
          new ProducerRecord<>(topic.name(), event.getUserId(), event),
          (metadata, error) -> {
            if (error == null) {
              published.increment();
            } else {
              failed(sendFailed, "session event not published", error);
            }
          });
    } catch (RuntimeException e) {
      // Serialization (schema registry unreachable), closed producer, metadata timeout.
      failed(sendFailed, "session event not published", e);
    }
  }

  private void failed(Counter counter, String what, Throwable error) {
    counter.increment();
    long now = System.currentTimeMillis();
    long last = lastFailureLog.get();
    if (now - last >= LOG_EVERY_MS && lastFailureLog.compareAndSet(last, now)) {
      log.warn(
          "{} (dropped so far: {} buffer full, {} send failures, {} invalid)",
          what + (error == null ? "" : ": " + error),
          (long) bufferFull.count(),
          (long) sendFailed.count(),
          (long) invalid.count());
    }
  }

  private static Counter failedCounter(MeterRegistry meters, String reason) {
    return Counter.builder("regen.session.events.failed")
        .description("Session events dropped: buffer full or not acknowledged by Kafka")
        .tag("reason", reason)
        .register(meters);
  }
}
