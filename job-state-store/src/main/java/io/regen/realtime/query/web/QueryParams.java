package io.regen.realtime.query.web;

import io.regen.realtime.schemas.LogPosition;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Parses and checks request parameters; every refusal is a 400 with a message saying why. */
final class QueryParams {
  static final int MAX_ID_LENGTH = 256;

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
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(name + " must be a date YYYY-MM-DD, got '" + value + "'");
    }
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

  static String optional(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return id(name, value);
  }
}
