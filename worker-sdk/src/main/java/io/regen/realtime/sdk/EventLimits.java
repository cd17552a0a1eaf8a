package io.regen.realtime.sdk;

/**
 * Size limits the SDK enforces before publishing.
 *
 * @param maxEventBytes upper bound of one encoded event (wire header, ids and all payload text),
 *     default 64 KiB; texts, summaries and messages that would make an event larger are refused
 * @param maxIdLength longest accepted jobId, userId, jobType, workerId, model name or error code,
 *     in characters, default 256
 */
public record EventLimits(int maxEventBytes, int maxIdLength) {
  /** 64 KiB per event, ids up to 256 characters. */
  public static final EventLimits DEFAULT = new EventLimits(64 * 1024, 256);

  public EventLimits {
    if (maxEventBytes < 256) {
      throw new IllegalArgumentException("maxEventBytes must be >= 256, was " + maxEventBytes);
    }
    if (maxIdLength < 1) {
      throw new IllegalArgumentException("maxIdLength must be >= 1, was " + maxIdLength);
    }
  }
}
