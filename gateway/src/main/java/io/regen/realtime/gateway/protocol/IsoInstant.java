package io.regen.realtime.gateway.protocol;

import java.time.Instant;

/**
 * Writes an {@link Instant} exactly as {@link Instant#toString()} does (ISO-8601 in UTC, the
 * fraction in groups of three digits, none when zero) straight into a StringBuilder. Every event
 * frame carries one: {@code Instant.toString} goes through {@code DateTimeFormatter}, a {@code
 * LocalDateTime} and three intermediate strings per call, which made it one of the largest costs of
 * a replay's frame. Years 0000–9999 take the direct path; any other instant is delegated to {@code
 * Instant.toString}.
 */
final class IsoInstant {
  /** 10000-01-01T00:00:00Z: the first instant whose year needs more than four digits. */
  private static final long YEAR_10000 = 253_402_300_800L;

  private IsoInstant() {}

  static void append(StringBuilder sb, Instant at) {
    long seconds = at.getEpochSecond();
    if (seconds < 0 || seconds >= YEAR_10000) {
      sb.append(at);
      return;
    }
    long days = seconds / 86_400;
    int secondOfDay = (int) (seconds % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
    long z = days + 719_468;
    long era = z / 146_097;
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    digits(sb, year, 4);
    sb.append('-');
    digits(sb, month, 2);
    sb.append('-');
    digits(sb, day, 2);
    sb.append('T');
    digits(sb, secondOfDay / 3_600, 2);
    sb.append(':');
    digits(sb, secondOfDay / 60 % 60, 2);
    sb.append(':');
    digits(sb, secondOfDay % 60, 2);
    int nanos = at.getNano();
    if (nanos > 0) {
      sb.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(sb, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        digits(sb, nanos / 1_000, 6);
      } else {
        digits(sb, nanos, 9);
      }
    }
    sb.append('Z');
  }

  /** {@code value} (≥ 0) in exactly {@code width} decimal digits, zero-padded. */
  private static void digits(StringBuilder sb, int value, int width) {
    for (int divisor = pow10(width - 1); divisor > 0; divisor /= 10) {
      sb.append((char) ('0' + value / divisor % 10));
    }
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}
