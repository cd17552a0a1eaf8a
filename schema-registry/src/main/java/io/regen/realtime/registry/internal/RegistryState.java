package io.regen.realtime.registry.internal;

import io.regen.realtime.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's state: the deterministic replay of the {@code _schemas} log. Every instance that
 * applies the same records in the same order holds the same state, which is why instances agree on
 * ids without talking to each other.
 *
 * <p>Ids: a schema (by canonical text) gets the next id, {@code max + 1}, when the first accepted
 * claim introduces it; the same schema under another subject reuses its id. A claim is accepted
 * only if the subject's latest version is still the one the writer checked compatibility against
 * (compare-and-set), so a compatibility decision is never invalidated by a concurrent registration
 * and replay never needs the (compactable) config history.
 *
 * <p>Thread-safety: one thread applies records, any thread reads; all methods are synchronized.
 */
public final class RegistryState {

  /** One version of a subject. */
  public record Version(String subject, int version, int id, Schema schema, String canonical) {}

  /** What applying a claim did. */
  public sealed interface ClaimOutcome {
    /** The schema is (now or already) version {@code version} of the subject with {@code id}. */
    record Registered(int id, int version, boolean alreadyPresent) implements ClaimOutcome {}

    /** Another registration got in first: the subject's latest version is no longer expected. */
    record Conflict(int actualLatestVersion) implements ClaimOutcome {}

    /** The claim's schema does not parse; it is ignored (only a foreign writer could do this). */
    record Invalid(String reason) implements ClaimOutcome {}
  }

  /** What a writer checks compatibility against before claiming a new version. */
  public record SubjectSnapshot(int latestVersion, List<Schema> schemas) {}

  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<Integer, String> canonicalById = new HashMap<>();
  private final Map<String, Integer> idsByCanonical = new HashMap<>();
  private final Map<String, List<Integer>> subjects = new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel;
  private int maxId;

  /** Applies a registration claim (see the class comment for the rules). */
  public synchronized ClaimOutcome applyClaim(
      String subject, String schemaText, int expectedLatestVersion) {
    Schema schema;
    try {
      schema = new Schema.Parser().parse(schemaText);
    } catch (RuntimeException e) {
      return new ClaimOutcome.Invalid(String.valueOf(e.getMessage()));
    }
    String canonical = schema.toString();
    List<Integer> ids = subjects.get(subject);
    Integer knownId = idsByCanonical.get(canonical);
    if (knownId != null && ids != null && ids.contains(knownId)) {
      return new ClaimOutcome.Registered(knownId, ids.indexOf(knownId) + 1, true);
    }
    int latest = ids == null ? 0 : ids.size();
    if (latest != expectedLatestVersion) {
      return new ClaimOutcome.Conflict(latest);
    }
    int id;
    if (knownId != null) {
      id = knownId;
    } else {
      id = ++maxId;
      schemasById.put(id, schema);
      canonicalById.put(id, canonical);
      idsByCanonical.put(canonical, id);
    }
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return new ClaimOutcome.Registered(id, latest + 1, false);
  }

  /** Sets a subject's level ({@code subject == null}: the global one); null level removes it. */
  public synchronized void applyConfig(String subject, CompatibilityLevel level) {
    if (subject == null) {
      globalLevel = level;
    } else if (level == null) {
      subjectLevels.remove(subject);
    } else {
      subjectLevels.put(subject, level);
    }
  }

  public synchronized Optional<Schema> schemaById(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  public synchronized Optional<String> canonicalById(int id) {
    return Optional.ofNullable(canonicalById.get(id));
  }

  /** Subjects with at least one version, sorted. */
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  public synchronized boolean hasSubject(String subject) {
    return subjects.containsKey(subject);
  }

  /** Version numbers of a subject (1..n); empty when the subject does not exist. */
  public synchronized Optional<List<Integer>> versions(String subject) {
    List<Integer> ids = subjects.get(subject);
    if (ids == null) {
      return Optional.empty();
    }
    List<Integer> versions = new ArrayList<>(ids.size());
    for (int v = 1; v <= ids.size(); v++) {
      versions.add(v);
    }
    return Optional.of(versions);
  }

  public synchronized Optional<Version> version(String subject, int version) {
    List<Integer> ids = subjects.get(subject);
    if (ids == null || version < 1 || version > ids.size()) {
      return Optional.empty();
    }
    int id = ids.get(version - 1);
    return Optional.of(
        new Version(subject, version, id, schemasById.get(id), canonicalById.get(id)));
  }

  public synchronized Optional<Version> latest(String subject) {
    List<Integer> ids = subjects.get(subject);
    return ids == null ? Optional.empty() : version(subject, ids.size());
  }

  /** The version of {@code subject} holding exactly this schema (by canonical form). */
  public synchronized Optional<Version> find(String subject, String canonical) {
    Integer id = idsByCanonical.get(canonical);
    List<Integer> ids = subjects.get(subject);
    if (id == null || ids == null || !ids.contains(id)) {
      return Optional.empty();
    }
    return version(subject, ids.indexOf(id) + 1);
  }

  /** Every (subject, version) using schema {@code id}. */
  public synchronized List<Version> versionsOfId(int id) {
    List<Version> found = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> entry : subjects.entrySet()) {
      List<Integer> ids = entry.getValue();
      for (int i = 0; i < ids.size(); i++) {
        if (ids.get(i) == id) {
          found.add(
              new Version(entry.getKey(), i + 1, id, schemasById.get(id), canonicalById.get(id)));
        }
      }
    }
    return found;
  }

  /** The subject's versions (oldest first) and latest version number, 0 when it is new. */
  public synchronized SubjectSnapshot snapshot(String subject) {
    List<Integer> ids = subjects.getOrDefault(subject, List.of());
    return new SubjectSnapshot(ids.size(), ids.stream().map(schemasById::get).toList());
  }

  public synchronized CompatibilityLevel globalLevel() {
    return globalLevel != null ? globalLevel : CompatibilityLevel.DEFAULT;
  }

  public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** The level that applies to {@code subject}: its own, else the global one. */
  public synchronized CompatibilityLevel effectiveLevel(String subject) {
    CompatibilityLevel own = subjectLevels.get(subject);
    return own != null ? own : globalLevel();
  }
}
