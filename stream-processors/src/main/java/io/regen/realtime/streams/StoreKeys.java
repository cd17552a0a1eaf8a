package io.regen.realtime.streams;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Builds and parses the string keys of {@link Stores}. Components are joined with {@code |}; a
 * component that may contain {@code |} or {@code %} (userId, jobType, model) is escaped ({@code %}
 * → {@code %25}, {@code |} → {@code %7C}), so a prefix {@code "<component>|"} never matches another
 * component that merely starts with the same characters. Buckets are UTC: {@code yyyy-MM-dd} (day)
 * and {@code yyyy-MM-ddTHH} (hour); both sort chronologically as strings.
 */
public final class StoreKeys {
  private StoreKeys() {}

  /** Separator of key components. */
  public static final char SEP = '|';

  /**
   * Appended to a prefix to form an inclusive upper bound of a range scan: U+10FFFF, the highest
   * code point, whose UTF-8 form (F4 8F BF BF) sorts bytewise after every character a key can hold.
   */
  public static final String MAX_SUFFIX = "\uDBFF\uDFFF";

  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

  public static final long HOUR_MS = 3_600_000L;
  public static final long DAY_MS = 86_400_000L;

  public static String escape(String component) {
    if (component.indexOf('%') < 0 && component.indexOf('|') < 0) {
      return component;
    }
    return component.replace("%", "%25").replace("|", "%7C");
  }

  public static String unescape(String component) {
    if (component.indexOf('%') < 0) {
      return component;
    }
    return component.replace("%7C", "|").replace("%25", "%");
  }

  /** The UTC day of an epoch-millis instant, {@code yyyy-MM-dd}. */
  public static String day(long epochMs) {
    return DAY.format(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC).toLocalDate());
  }

  public static String day(LocalDate date) {
    return DAY.format(date);
  }

  /** The UTC hour of an epoch-millis instant, {@code yyyy-MM-ddTHH}. */
  public static String hour(long epochMs) {
    return HOUR.format(Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.HOURS));
  }

  /** Start (epoch ms) of the UTC day or hour bucket containing an instant. */
  public static long bucketStart(long epochMs, long sizeMs) {
    return Math.floorDiv(epochMs, sizeMs) * sizeMs;
  }

  /** {@code day|userId} in {@link Stores#DAU_USERS}. */
  public static String dauUser(String day, String userId) {
    return day + SEP + escape(userId);
  }

  /** The userId of a {@link Stores#DAU_USERS} key. */
  public static String dauUserId(String key) {
    return unescape(key.substring(key.indexOf(SEP) + 1));
  }

  /** The day of a {@link Stores#DAU_USERS} or bucketed aggregate key. */
  public static String bucketOf(String key) {
    int sep = key.indexOf(SEP);
    return sep < 0 ? key : key.substring(0, sep);
  }

  /** {@code bucket|dimension} in the job-metrics and model-latency stores. */
  public static String bucketed(String bucket, String dimension) {
    return bucket + SEP + escape(dimension);
  }

  /** The dimension (jobType or model) of a {@code bucket|dimension} key. */
  public static String dimensionOf(String key) {
    return unescape(key.substring(key.indexOf(SEP) + 1));
  }

  /** Inclusive lower bound of every {@code bucket|...} key for buckets ≥ {@code fromBucket}. */
  public static String rangeFrom(String fromBucket) {
    return fromBucket;
  }

  /** Inclusive upper bound of every {@code bucket|...} key for buckets ≤ {@code toBucket}. */
  public static String rangeTo(String toBucket) {
    return toBucket + SEP + MAX_SUFFIX;
  }

  /** Inclusive bounds covering the hour buckets of UTC days {@code from..to}. */
  public static String hourRangeFrom(LocalDate from) {
    return day(from) + "T00";
  }

  public static String hourRangeTo(LocalDate to) {
    return day(to) + "T23" + SEP + MAX_SUFFIX;
  }
}
