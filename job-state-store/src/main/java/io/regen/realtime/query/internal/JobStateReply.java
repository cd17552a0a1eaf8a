package io.regen.realtime.query.internal;

/**
 * The owner's answer for one job (internal wire format).
 *
 * @param found false when the job is not in the store
 * @param value the JobState in the store's binary serde, base64; null when not found
 * @param stale true when read from a standby replica
 * @param lag the replica's changelog lag for a stale read
 */
public record JobStateReply(boolean found, String value, boolean stale, long lag) {}
