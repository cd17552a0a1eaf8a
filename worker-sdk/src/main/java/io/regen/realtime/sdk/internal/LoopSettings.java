package io.regen.realtime.sdk.internal;

import java.time.Duration;

/** Settings of a request loop, taken from the client's builder. */
public record LoopSettings(
    String groupIdPrefix,
    int concurrency,
    int dedupeCapacity,
    int dedupeLookback,
    Duration drainTimeout,
    Duration maxRequestAge) {}
