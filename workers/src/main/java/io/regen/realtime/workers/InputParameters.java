package io.regen.realtime.workers;

import java.util.Map;

/** Reads the string input map of a job request; bad values are the requester's error. */
final class InputParameters {
  private final Map<String, String> input;

  InputParameters(Map<String, String> input) {
    this.input = input == null ? Map.of() : input;
  }

  String text(String name, String fallback) {
    String value = input.get(name);
    return value == null ? fallback : value;
  }

  boolean flag(String name) {
    return "true".equalsIgnoreCase(input.get(name));
  }

  /**
   * An int in {@code [min, max]}, or {@code fallback} when absent.
   *
   * @throws IllegalArgumentException when present but not such an int
   */
  int integer(String name, int fallback, int min, int max) {
    String value = input.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "input " + name + " must be a number from " + min + " to " + max + ", was '" + value + "'");
  }
}
