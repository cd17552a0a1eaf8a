package io.regen.realtime.gateway.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The meters of event delivery. Names are dotted Micrometer names; Prometheus shows them as {@code
 * delivery_latency_seconds}, {@code delivery_frames_sent_total}, {@code delivery_resumes_total
 * {outcome}}, {@code delivery_slow_fallbacks_total}, {@code delivery_slow_closes_total}, {@code
 * delivery_records_undecodable_total}, {@code delivery_records_registry_unavailable_total}, {@code
 * delivery_replays_total}.
 */
public final class DeliveryMetrics {
  private final Timer latency;
  private final Counter framesSent;
  private final Counter resumed;
  private final Counter notResumed;
  private final Counter slowFallbacks;
  private final Counter slowCloses;
  private final Counter undecodable;
  private final Counter unknownPayload;
  private final Counter registryUnavailable;
  private final Counter replays;
  private final MeterRegistry registry;

  public DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    latency =
        Timer.builder("delivery.latency")
            .description("Event occurredAt to frame offered to the session's outbound buffer")
            .publishPercentileHistogram()
            // Exact buckets at the platform's latency targets (5 ms, 30 ms, 100 ms) and around.
            .serviceLevelObjectives(
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(20),
                Duration.ofMillis(30),
                Duration.ofMillis(50),
                Duration.ofMillis(100))
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    framesSent =
        Counter.builder("delivery.frames.sent")
            .description("Event frames offered to sessions (live and catch-up)")
            .register(registry);
    resumed =
        Counter.builder("delivery.resumes")
            .tag("outcome", "resumed")
            .description("Subscriptions with a cursor, by outcome")
            .register(registry);
    notResumed =
        Counter.builder("delivery.resumes")
            .tag("outcome", "not_resumed")
            .description("Subscriptions with a cursor, by outcome")
            .register(registry);
    slowFallbacks =
        Counter.builder("delivery.slow.fallbacks")
            .description("Sessions whose buffer was full, switched to catching up from the topic")
            .register(registry);
    slowCloses =
        Counter.builder("delivery.slow.closes")
            .description("Sessions closed with 4009 for staying behind past the limit")
            .register(registry);
    undecodable =
        Counter.builder("delivery.records.undecodable")
            .description("Records of jobs.events.v1 that could not be decoded and were skipped")
            .register(registry);
    unknownPayload =
        Counter.builder("delivery.records.unknown.payload")
            .description("Events whose payload type has no wire name here, skipped")
            .register(registry);
    registryUnavailable =
        Counter.builder("delivery.records.registry.unavailable")
            .description(
                "Reads of a record stopped because the schema registry was unavailable (read again"
                    + " later, never skipped)")
            .register(registry);
    replays =
        Counter.builder("delivery.replays")
            .description("Job histories replayed from the topic")
            .register(registry);
  }

  /**
   * Publishes the live consumer's Kafka client metrics (e.g. {@code
   * kafka_consumer_fetch_manager_records_lag_max}, the gateway's consumer lag); closing the result
   * removes them.
   */
  KafkaClientMetrics bindConsumer(Consumer<?, ?> consumer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(consumer);
    binder.bindTo(registry);
    return binder;
  }

  void latencyFrom(long occurredAtMillis) {
    long ms = System.currentTimeMillis() - occurredAtMillis;
    latency.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
  }

  public void framesSent(int n) {
    framesSent.increment(n);
  }

  void resume(boolean wasResumed) {
    (wasResumed ? resumed : notResumed).increment();
  }

  void slowFallback() {
    slowFallbacks.increment();
  }

  void slowClose() {
    slowCloses.increment();
  }

  public void undecodable() {
    undecodable.increment();
  }

  public void registryUnavailable() {
    registryUnavailable.increment();
  }

  public double registryUnavailableCount() {
    return registryUnavailable.count();
  }

  public void unknownPayload() {
    unknownPayload.increment();
  }

  public void replay() {
    replays.increment();
  }

  public Timer latency() {
    return latency;
  }

  public double framesSentCount() {
    return framesSent.count();
  }

  public double slowFallbackCount() {
    return slowFallbacks.count();
  }

  public double slowCloseCount() {
    return slowCloses.count();
  }

  public double undecodableCount() {
    return undecodable.count() + unknownPayload.count();
  }

  public double resumeCount(boolean wasResumed) {
    return (wasResumed ? resumed : notResumed).count();
  }
}
