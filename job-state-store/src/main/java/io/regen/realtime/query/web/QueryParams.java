package io.regen.realtime.query.web;

import io.regen.realtime.schemas.LogPosition;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Parses and checks request parameters; every refusal is a 400 with a message saying why. */
final class QueryParams {
  static final int MAX_ID_LENGTH = 256;

  /** Store keys hold four-digit years of the event clock: anything outside is no day of ours. */
  static final LocalDate MIN_DATE = LocalDate.of(1970, 1, 1);

  static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

  private QueryParams() {}

  static String id(String name, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(name + " is required");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw ApiException.badRequest(name + " is longer than " + MAX_ID_LENGTH + " characters");
    }
    return value;
  }

  static LogPosition position(String name, String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return LogPosition.fromCursor(cursor);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(name + " must be a cursor like v1.<partition>.<offset>");
    }
  }

  static LocalDate date(String name, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(name + " is required (YYYY-MM-DD)");
    }
    LocalDate date;
    try {
      date = LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          name + " must be a date YYYY-MM-DD, got '" + shorten(value) + "'");
    }
    if (date.isBefore(MIN_DATE) || date.isAfter(MAX_DATE)) {
      throw ApiException.badRequest(name + " must be between " + MIN_DATE + " and " + MAX_DATE);
    }
    return date;
  }

  /** A from..to range of at most maxDays days (both inclusive). */
  static LocalDate[] dateRange(String from, String to, int maxDays) {
    LocalDate f = date("from", from);
    LocalDate t = date("to", to);
    if (f.isAfter(t)) {
      throw ApiException.badRequest("from (" + f + ") is after to (" + t + ")");
    }
    long days = ChronoUnit.DAYS.between(f, t) + 1;
    if (days > maxDays) {
      throw ApiException.badRequest(
          "The range covers " + days + " days; at most " + maxDays + " are allowed");
    }
    return new LocalDate[] {f, t};
  }

  static int limit(Integer limit, int defaultLimit, int max) {
    if (limit == null) {
      return Math.min(defaultLimit, max);
    }
    if (limit < 1 || limit > max) {
      throw ApiException.badRequest("limit must be between 1 and " + max + ", got " + limit);
    }
    return limit;
  }

  /** Echoes at most 40 characters of a bad value. */
  private static String shorten(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }

  static String optional(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return id(name, value);
  }
}
