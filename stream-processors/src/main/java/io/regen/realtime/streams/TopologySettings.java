package io.regen.realtime.streams;

import io.regen.realtime.schemas.serde.RegistrySerdes;
import java.time.Duration;
import java.util.Objects;

/**
 * What the topologies need to be built: the serdes of the input topics and the bounds of the state.
 *
 * @param serdes value serdes of the platform's topics (registry framing)
 * @param grace how long after a UTC hour/day ends (in stream time: the highest event time a task
 *     has seen) late records are still applied to it; later ones are counted in {@link
 *     Stores#LATE_JOB_RECORDS}
 * @param maxResponseBytes bound of a job's response text (its chunks in {@link
 *     Stores#JOB_RESPONSE_CHUNKS}, {@code JobState.responseSoFar} of a query) in UTF-8 bytes
 * @param maxResearchSteps bound of {@code JobState.researchSteps}
 * @param inMemoryStores in-memory stores instead of RocksDB (still with changelogs): for tests that
 *     push many records through TopologyTestDriver, which flushes RocksDB after every record
 * @param jobEventsPartitions partitions of {@code jobs.events.v1}, given to the requests'
 *     repartition topic so a user's requests land in the task of the user's events; 0 = unknown,
 *     then Streams sizes it like {@code jobs.requests.v1}, which is right only when both topics
 *     have the same partition count (as {@code regen topics} creates them)
 */
public record TopologySettings(
    RegistrySerdes serdes,
    Duration grace,
    int maxResponseBytes,
    int maxResearchSteps,
    boolean inMemoryStores,
    int jobEventsPartitions) {
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
  public static final int DEFAULT_MAX_RESEARCH_STEPS = 200;

  public TopologySettings {
    Objects.requireNonNull(serdes, "serdes");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0");
    }
    if (maxResponseBytes < 0 || maxResearchSteps < 0 || jobEventsPartitions < 0) {
      throw new IllegalArgumentException("bounds must be >= 0");
    }
  }

  public TopologySettings(
      RegistrySerdes serdes, Duration grace, int maxResponseBytes, int maxResearchSteps) {
    this(serdes, grace, maxResponseBytes, maxResearchSteps, false, 0);
  }

  /** Defaults: 30 min grace, 64 KiB response, 200 research steps. */
  public static TopologySettings defaults(RegistrySerdes serdes) {
    return new TopologySettings(
        serdes, DEFAULT_GRACE, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RESEARCH_STEPS);
  }

  public TopologySettings withGrace(Duration newGrace) {
    return new TopologySettings(
        serdes, newGrace, maxResponseBytes, maxResearchSteps, inMemoryStores, jobEventsPartitions);
  }

  public TopologySettings withMaxResponseBytes(int bytes) {
    return new TopologySettings(
        serdes, grace, bytes, maxResearchSteps, inMemoryStores, jobEventsPartitions);
  }

  public TopologySettings withMaxResearchSteps(int steps) {
    return new TopologySettings(
        serdes, grace, maxResponseBytes, steps, inMemoryStores, jobEventsPartitions);
  }

  public TopologySettings withInMemoryStores(boolean inMemory) {
    return new TopologySettings(
        serdes, grace, maxResponseBytes, maxResearchSteps, inMemory, jobEventsPartitions);
  }

  public TopologySettings withJobEventsPartitions(int partitions) {
    return new TopologySettings(
        serdes, grace, maxResponseBytes, maxResearchSteps, inMemoryStores, partitions);
  }
}
