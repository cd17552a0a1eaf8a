package io.regen.realtime.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Avro compatibility rules as Confluent's registry applies them: BACKWARD means the new schema can
 * read data written with the old one, FORWARD that the old schema can read data written with the
 * new one, FULL both; non-transitive levels check the latest version only, transitive ones every
 * version.
 */
public final class AvroCompatibility {
  private AvroCompatibility() {}

  /**
   * Messages describing why {@code candidate} is incompatible with {@code previous} (oldest first)
   * under {@code level}; empty when it is compatible.
   */
  public static List<String> incompatibilities(
      CompatibilityLevel level, Schema candidate, List<Schema> previous) {
    List<String> problems = new ArrayList<>();
    if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
      return problems;
    }
    List<Schema> against =
        level.transitive() ? previous : List.of(previous.get(previous.size() - 1));
    for (Schema old : against) {
      if (level.checksBackward()) {
        describe(problems, "BACKWARD", candidate, old);
      }
      if (level.checksForward()) {
        describe(problems, "FORWARD", old, candidate);
      }
    }
    return problems;
  }

  private static void describe(List<String> problems, String rule, Schema reader, Schema writer) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
      for (var incompatibility : result.getResult().getIncompatibilities()) {
        problems.add(
            rule
                + ": "
                + incompatibility.getType()
                + " at "
                + incompatibility.getLocation()
                + ": "
                + incompatibility.getMessage());
      }
    }
  }
}
