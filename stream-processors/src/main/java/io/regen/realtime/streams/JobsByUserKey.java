package io.regen.realtime.streams;

import java.util.Objects;

/**
 * Key of {@link Stores#JOBS_BY_USER}: {@code escape(userId)|invertedTimestamp|jobId}, where
 * invertedTimestamp is {@code Long.MAX_VALUE - sortTimestamp} as 19 zero-padded digits, so a
 * forward range scan over one user's keys returns the newest job first (ties broken by jobId).
 *
 * @param userId owner of the job
 * @param sortTimestamp requestedAt, else the time of the job's first event (epoch ms, ≥ 0)
 * @param jobId the job
 */
public record JobsByUserKey(String userId, long sortTimestamp, String jobId) {
  public JobsByUserKey {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(jobId, "jobId");
  }

  public String encode() {
    return prefix(userId) + invert(sortTimestamp) + StoreKeys.SEP + jobId;
  }

  /**
   * Parses a key written by {@link #encode()}.
   *
   * @throws IllegalArgumentException when it is not such a key
   */
  public static JobsByUserKey parse(String key) {
    int first = key.indexOf(StoreKeys.SEP);
    int second = first < 0 ? -1 : key.indexOf(StoreKeys.SEP, first + 1);
    if (second < 0 || second - first != 20) {
      throw new IllegalArgumentException("Not a jobs-by-user key: " + key);
    }
    long inverted = Long.parseLong(key.substring(first + 1, second));
    return new JobsByUserKey(
        StoreKeys.unescape(key.substring(0, first)),
        Long.MAX_VALUE - inverted,
        key.substring(second + 1));
  }

  /** Every key of the user starts with this. */
  public static String prefix(String userId) {
    return StoreKeys.escape(userId) + StoreKeys.SEP;
  }

  /** Inclusive lower bound of a range scan over a user's jobs (the newest comes first). */
  public static String lowerBound(String userId) {
    return prefix(userId);
  }

  /** Inclusive upper bound of a range scan over a user's jobs. */
  public static String upperBound(String userId) {
    return prefix(userId) + StoreKeys.MAX_SUFFIX;
  }

  /**
   * Inclusive lower bound for the next page: the keys after {@code lastKeyOfPreviousPage} (the scan
   * continues with older jobs).
   */
  public static String after(String lastKeyOfPreviousPage) {
    return lastKeyOfPreviousPage + '\u0000';
  }

  private static final int INVERTED_DIGITS = 19;

  private static String invert(long timestamp) {
    // Zero-padded to Long.MAX_VALUE's 19 digits, so string order is numeric order (by hand: a
    // String.format per event was a visible share of the Streams thread's allocation).
    String digits = Long.toString(Long.MAX_VALUE - Math.max(0, timestamp));
    return "0".repeat(INVERTED_DIGITS - digits.length()) + digits;
  }
}
