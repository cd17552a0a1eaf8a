package io.regen.realtime.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry held in this JVM, with the same rules as the real one (ids shared across subjects,
 * versions per subject, compatibility checks). For unit tests and single-process tools.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> idBySchema = new HashMap<>();
  private final Map<String, List<Integer>> subjectIds = new HashMap<>();
  private final Map<String, CompatibilityLevel> levels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
  private int nextId = 1;

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> ids = subjectIds.computeIfAbsent(subject, s -> new ArrayList<>());
    Integer existing = idBySchema.get(schema);
    if (existing != null && ids.contains(existing)) {
      return existing;
    }
    List<Schema> previous = ids.stream().map(byId::get).toList();
    List<String> problems =
        AvroCompatibility.incompatibilities(compatibility(subject), schema, previous);
    if (!problems.isEmpty()) {
      throw new SchemaRegistryException(
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\", details: "
              + problems);
    }
    int id = existing != null ? existing : nextId++;
    byId.put(id, schema);
    idBySchema.put(schema, id);
    ids.add(id);
    return id;
  }

  @Override
  public synchronized int lookupId(String subject, Schema schema) {
    Integer id = idBySchema.get(schema);
    if (id == null || !subjectIds.getOrDefault(subject, List.of()).contains(id)) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return schema;
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    List<Integer> ids = ids(subject);
    List<Integer> versions = new ArrayList<>();
    for (int i = 1; i <= ids.size(); i++) {
      versions.add(i);
    }
    return versions;
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    List<Integer> ids = ids(subject);
    if (version < 1 || version > ids.size()) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
    }
    int id = ids.get(version - 1);
    return new RegisteredSchema(subject, version, id, byId.get(id));
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    return version(subject, ids(subject).size());
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Schema> previous =
        subjectIds.getOrDefault(subject, List.of()).stream().map(byId::get).toList();
    return AvroCompatibility.incompatibilities(compatibility(subject), schema, previous).isEmpty();
  }

  @Override
  public synchronized CompatibilityLevel compatibility(String subject) {
    return subject == null ? globalLevel : levels.getOrDefault(subject, globalLevel);
  }

  @Override
  public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    if (subject == null) {
      globalLevel = level;
    } else {
      levels.put(subject, level);
    }
  }

  private List<Integer> ids(String subject) {
    List<Integer> ids = subjectIds.get(subject);
    if (ids == null || ids.isEmpty()) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    return ids;
  }
}
