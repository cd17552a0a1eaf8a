package io.regen.realtime.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link SchemaRegistryClient} contract, run against every implementation (in memory here, HTTP
 * against the real server in schema-registry). Subclasses hand out a client of a registry whose
 * global level is BACKWARD; every test uses subjects of its own.
 */
public abstract class SchemaRegistryClientContract {
  private SchemaRegistryClient client;
  private String run;

  /** A client of a registry at the default global level BACKWARD. */
  protected abstract SchemaRegistryClient newClient();

  @BeforeEach
  void createClient() {
    client = newClient();
    run = UUID.randomUUID().toString().substring(0, 8);
  }

  private String subject(String name) {
    return name + "-" + run + "-value";
  }

  private static Schema record(String name, String... optionalFields) {
    var fields = SchemaBuilder.record(name).namespace("contract").fields().requiredString("id");
    for (String f : optionalFields) {
      fields = fields.optionalString(f);
    }
    return fields.endRecord();
  }

  private static Schema withRequiredField(String name, String field) {
    return SchemaBuilder.record(name)
        .namespace("contract")
        .fields()
        .requiredString("id")
        .requiredString(field)
        .endRecord();
  }

  @Test
  void registeringVersionsAndReadingThemBack() {
    String users = subject("users");
    Schema v1 = record("User");
    Schema v2 = record("User", "email");

    int id1 = client.register(users, v1);
    int id2 = client.register(users, v2);

    assertThat(id2).isNotEqualTo(id1);
    assertThat(client.register(users, v1)).as("identical schema, same id").isEqualTo(id1);
    assertThat(client.lookupId(users, v2)).isEqualTo(id2);
    assertThat(client.schemaById(id1)).isEqualTo(v1);
    assertThat(client.versions(users)).containsExactly(1, 2);
    assertThat(client.version(users, 1)).isEqualTo(new RegisteredSchema(users, 1, id1, v1));
    assertThat(client.latest(users)).isEqualTo(new RegisteredSchema(users, 2, id2, v2));
    assertThat(client.register(subject("other"), v2)).as("same schema, same id").isEqualTo(id2);
  }

  @Test
  void compatibilityIsCheckedAgainstTheLatestVersion() {
    String users = subject("compat");
    client.register(users, record("User"));

    assertThat(client.isCompatible(users, record("User", "email"))).isTrue();
    assertThat(client.isCompatible(users, withRequiredField("User", "age"))).isFalse();
    assertThat(client.isCompatible(subject("fresh"), withRequiredField("User", "age"))).isTrue();
    assertThatThrownBy(() -> client.register(users, withRequiredField("User", "age")))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
    assertThat(client.versions(users)).containsExactly(1);
  }

  @Test
  void levelsPerSubjectFallBackToTheGlobalOne() {
    String users = subject("levels");
    client.register(users, record("User"));
    assertThat(client.compatibility(users)).isEqualTo(CompatibilityLevel.BACKWARD);

    client.setCompatibility(users, CompatibilityLevel.FULL_TRANSITIVE);

    assertThat(client.compatibility(users)).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(client.compatibility(subject("untouched"))).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void missingSubjectsVersionsAndIdsAre404() {
    String users = subject("missing");
    client.register(users, record("User"));

    assertNotFound(() -> client.latest(subject("never")));
    assertNotFound(() -> client.versions(subject("never")));
    assertNotFound(() -> client.version(users, 7));
    assertNotFound(() -> client.lookupId(users, record("User", "unknown")));
    assertNotFound(() -> client.schemaById(Integer.MAX_VALUE));
  }

  private static void assertNotFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
  }
}
