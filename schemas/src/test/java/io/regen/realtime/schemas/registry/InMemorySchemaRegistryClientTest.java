package io.regen.realtime.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

  static Schema record(String... optionalFields) {
    StringBuilder json =
        new StringBuilder(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}");
    for (String field : optionalFields) {
      json.append(",{\"name\":\"")
          .append(field)
          .append("\",\"type\":[\"null\",\"string\"],\"default\":null}");
    }
    return new Schema.Parser().parse(json.append("]}").toString());
  }

  static Schema withRequired(String field) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\""
                + field
                + "\",\"type\":\"long\"}]}");
  }

  @Test
  void registersVersionsAndSharesIdsAcrossSubjects() {
    int id1 = registry.register("a", record());
    int id2 = registry.register("a", record("x"));
    assertThat(registry.register("a", record())).isEqualTo(id1);
    assertThat(registry.register("b", record("x"))).isEqualTo(id2);
    assertThat(registry.versions("a")).containsExactly(1, 2);
    assertThat(registry.versions("b")).containsExactly(1);
    assertThat(registry.latest("a")).isEqualTo(new RegisteredSchema("a", 2, id2, record("x")));
    assertThat(registry.version("a", 1).id()).isEqualTo(id1);
    assertThat(registry.schemaById(id2)).isEqualTo(record("x"));
    assertThat(registry.lookupId("b", record("x"))).isEqualTo(id2);
  }

  @Test
  void refusesIncompatibleSchemasWithConfluentsCode() {
    registry.register("a", record());
    assertThatThrownBy(() -> registry.register("a", withRequired("n")))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
            });
    assertThat(registry.isCompatible("a", withRequired("n"))).isFalse();
    assertThat(registry.isCompatible("a", record("y"))).isTrue();
  }

  @Test
  void levelsAreGlobalWithPerSubjectOverrides() {
    assertThat(registry.compatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
    registry.setCompatibility("a", CompatibilityLevel.NONE);
    registry.register("a", record());
    registry.register("a", withRequired("n"));
    assertThat(registry.versions("a")).hasSize(2);
    registry.setCompatibility(null, CompatibilityLevel.FULL);
    assertThat(registry.compatibility("b")).isEqualTo(CompatibilityLevel.FULL);
    assertThat(registry.compatibility("a")).isEqualTo(CompatibilityLevel.NONE);
  }

  @Test
  void transitiveLevelsCheckEveryVersion() {
    registry.setCompatibility("a", CompatibilityLevel.NONE);
    registry.register("a", record());
    registry.register("a", withRequired("n"));
    // Readable against v2 (which has n) but not against v1 (which lacks it, no default).
    Schema candidate = withRequired("n");
    registry.setCompatibility("a", CompatibilityLevel.BACKWARD);
    assertThat(registry.isCompatible("a", candidate)).isTrue();
    registry.setCompatibility("a", CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(registry.isCompatible("a", candidate)).isFalse();
    registry.setCompatibility("a", CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(registry.isCompatible("a", candidate)).isFalse();
  }

  @Test
  void missingThingsAreConfluentNotFoundCodes() {
    assertThatThrownBy(() -> registry.versions("nope"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    registry.register("a", record());
    assertThatThrownBy(() -> registry.version("a", 2))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND));
    assertThatThrownBy(() -> registry.schemaById(99))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    assertThatThrownBy(() -> registry.lookupId("a", record("z")))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
  }

  @Test
  void levelNamesParseCaseInsensitivelyAndRejectUnknownOnes() {
    assertThat(CompatibilityLevel.parse(" full_transitive "))
        .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SIDEWAYS");
  }
}
