package io.regen.realtime.schemas.registry;

import java.util.Locale;

/** Confluent Schema Registry compatibility levels. */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE;

  /** The registry's default, as in Confluent's. */
  public static final CompatibilityLevel DEFAULT = BACKWARD;

  /** Parses a level name case-insensitively; an unknown name is an IllegalArgumentException. */
  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Invalid compatibility level: " + name, e);
    }
  }

  /** Whether new schemas must be readable by... see {@link AvroCompatibility}. */
  public boolean transitive() {
    return this == BACKWARD_TRANSITIVE || this == FORWARD_TRANSITIVE || this == FULL_TRANSITIVE;
  }

  boolean checksBackward() {
    return this == BACKWARD
        || this == BACKWARD_TRANSITIVE
        || this == FULL
        || this == FULL_TRANSITIVE;
  }

  boolean checksForward() {
    return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
  }
}
