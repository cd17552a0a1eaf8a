package io.regen.realtime.streams;

import java.util.concurrent.atomic.AtomicLong;

/**
 * JVM-wide counts of the records the processors could not handle normally, read by the metrics of
 * the streams role ({@code streams_records_undecodable_total}, {@code
 * streams_registry_unavailable_total}, {@code streams_records_dead_lettered_total}).
 */
public final class FaultCounters {
  private FaultCounters() {}

  static final AtomicLong UNDECODABLE = new AtomicLong();
  static final AtomicLong REGISTRY_UNAVAILABLE = new AtomicLong();
  static final AtomicLong DEAD_LETTERED = new AtomicLong();

  /** Records skipped because their bytes cannot be decoded. */
  public static long undecodableSkipped() {
    return UNDECODABLE.get();
  }

  /** Reads failed (and retried) because the schema registry was unavailable. */
  public static long registryUnavailable() {
    return REGISTRY_UNAVAILABLE.get();
  }

  /** Records a processor threw on, written to {@code regen.streams.dead-letters.v1}. */
  public static long deadLettered() {
    return DEAD_LETTERED.get();
  }
}
