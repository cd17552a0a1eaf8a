package io.regen.realtime.workers;

import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Objects;

/**
 * How a reference worker connects and paces itself.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param schemaRegistry the registry for event and request schemas
 * @param workerId the {@code producer} of the worker's events
 * @param chunkDelay pause before each model chunk / research step (the stream rate: 50 ms = 20
 *     chunks per second); zero for as fast as possible
 * @param concurrency jobs the worker runs at the same time
 */
public record WorkerSettings(
    String bootstrapServers,
    SchemaRegistryClient schemaRegistry,
    String workerId,
    Duration chunkDelay,
    int concurrency) {

  /** 20 chunks per second. */
  public static final Duration DEFAULT_CHUNK_DELAY = Duration.ofMillis(50);

  public static final int DEFAULT_CONCURRENCY = 4;

  public WorkerSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(schemaRegistry, "schemaRegistry");
    Objects.requireNonNull(chunkDelay, "chunkDelay");
    if (workerId == null || workerId.isBlank()) {
      throw new IllegalArgumentException("workerId is required");
    }
    if (chunkDelay.isNegative()) {
      throw new IllegalArgumentException("chunkDelay must not be negative");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
    }
  }

  /** Settings with the default chunk delay (50 ms) and concurrency (4). */
  public static WorkerSettings of(
      String bootstrapServers, SchemaRegistryClient schemaRegistry, String workerId) {
    return new WorkerSettings(
        bootstrapServers, schemaRegistry, workerId, DEFAULT_CHUNK_DELAY, DEFAULT_CONCURRENCY);
  }

  public WorkerSettings withChunkDelay(Duration chunkDelay) {
    return new WorkerSettings(bootstrapServers, schemaRegistry, workerId, chunkDelay, concurrency);
  }

  public WorkerSettings withConcurrency(int concurrency) {
    return new WorkerSettings(bootstrapServers, schemaRegistry, workerId, chunkDelay, concurrency);
  }
}
