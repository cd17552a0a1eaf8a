package io.regen.realtime.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.schemas.registry.AvroCompatibility;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release gate of the event contract: every schema in {@code src/main/avro} must be BACKWARD
 * and FORWARD compatible with each released version kept under {@code history/v<N>/}, so old
 * consumers read new events and new consumers read old ones. Releasing a version means copying
 * {@code src/main/avro} to {@code history/v<N+1>} (see docs/schema-registry.md).
 */
class SchemaHistoryCompatibilityTest {
  private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");
  private static Map<String, Schema> current;
  private static Map<Integer, Map<String, Schema>> history;

  @BeforeAll
  static void load() throws IOException {
    Path module = moduleDir();
    current = loadDirectory(module.resolve("src/main/avro"));
    history = new java.util.TreeMap<>();
    try (Stream<Path> dirs = Files.list(module.resolve("history"))) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        Matcher m = VERSION_DIR.matcher(dir.getFileName().toString());
        if (m.matches()) {
          history.put(Integer.parseInt(m.group(1)), loadDirectory(dir));
        }
      }
    }
  }

  @Test
  void historyStartsAtV1AndHasNoGaps() {
    assertThat(history).as("released versions under schemas/history").isNotEmpty();
    List<Integer> versions = new ArrayList<>(history.keySet());
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i)).as("history/v%d", i + 1).isEqualTo(i + 1);
      assertThat(history.get(versions.get(i))).as("schemas in history/v%d", i + 1).isNotEmpty();
    }
  }

  @Test
  void everyCurrentSchemaHasBeenReleased() {
    Map<String, Schema> latest = history.get(history.keySet().stream().max(Integer::compare).get());
    assertThat(latest.keySet())
        .as(
            "schemas in src/main/avro missing from the latest released version; release them by"
                + " copying src/main/avro to a new schemas/history/v<N> directory")
        .containsAll(current.keySet());
  }

  @Test
  void noReleasedSchemaWasRemoved() {
    history.forEach(
        (version, schemas) ->
            assertThat(current.keySet())
                .as("schemas of history/v%d that src/main/avro no longer has", version)
                .containsAll(schemas.keySet()));
  }

  @Test
  void everyCurrentSchemaIsFullyCompatibleWithEveryReleasedVersion() {
    List<String> problems = new ArrayList<>();
    history.forEach(
        (version, released) ->
            current.forEach(
                (name, schema) -> {
                  Schema old = released.get(name);
                  if (old != null) {
                    for (String problem :
                        AvroCompatibility.incompatibilities(
                            CompatibilityLevel.FULL, schema, List.of(old))) {
                      problems.add(name + " vs history/v" + version + ": " + problem);
                    }
                  }
                }));
    assertThat(problems).isEmpty();
  }

  @Test
  void theGateRejectsABreakingChange() {
    // Guards the gate itself: a required field added to JobEvent must be reported.
    Schema jobEvent = current.get("io.regen.realtime.events.JobEvent");
    String broken =
        jobEvent
            .toString()
            .replaceFirst(
                "\"fields\":\\[", "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},");
    Schema breaking = new Schema.Parser().parse(broken);
    assertThat(
            AvroCompatibility.incompatibilities(
                CompatibilityLevel.FULL,
                breaking,
                List.of(history.get(1).get("io.regen.realtime.events.JobEvent"))))
        .isNotEmpty()
        .anyMatch(p -> p.startsWith("BACKWARD"));
  }

  private static Map<String, Schema> loadDirectory(Path dir) throws IOException {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().endsWith(".avsc"))
              .sorted(Comparator.naturalOrder())
              .toList()) {
        // Each file is self-contained: a fresh parser per file, as the registry sees it.
        Schema schema = new Schema.Parser().parse(file.toFile());
        Schema previous = schemas.put(schema.getFullName(), schema);
        assertThat(previous).as("%s defined twice in %s", schema.getFullName(), dir).isNull();
      }
    }
    return schemas;
  }

  private static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    if (Files.isDirectory(here.resolve("history"))) {
      return here;
    }
    return here.resolve("schemas");
  }
}
