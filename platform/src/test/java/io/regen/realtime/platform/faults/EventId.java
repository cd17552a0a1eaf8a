package io.regen.realtime.platform.faults;

/** One event of the fault oracle: events are unique by (jobId, seq). */
public record EventId(String jobId, long seq) {}
