package io.regen.realtime.registry.internal;

import io.regen.realtime.registry.RegistryLimits;
import io.regen.realtime.registry.internal.RegistryState.ClaimOutcome;
import io.regen.realtime.registry.internal.RegistryState.SubjectSnapshot;
import io.regen.realtime.registry.internal.RegistryState.Version;
import io.regen.realtime.schemas.registry.AvroCompatibility;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's operations with Confluent's semantics and error codes, over the replayed {@link
 * RegistryState} and the {@link KafkaSchemaLog} it is written through. HTTP-agnostic.
 */
public final class RegistryService {
  private static final Logger log = LoggerFactory.getLogger(RegistryService.class);

  /** How often a registration that lost a race to another instance is retried. */
  private static final int MAX_CLAIM_ATTEMPTS = 32;

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration READ_BARRIER_TIMEOUT = Duration.ofSeconds(5);

  private final RegistryState state;
  private final KafkaSchemaLog store;
  private final RegistryLimits limits;

  public RegistryService(RegistryState state, KafkaSchemaLog store, RegistryLimits limits) {
    this.state = state;
    this.store = store;
    this.limits = limits;
  }

  /** A parsed schema with the canonical text ids are keyed by. */
  public record ParsedSchema(Schema schema, String canonical) {}

  /** Parses a schema as sent by a client; 422/42201 if Avro refuses it or it is too large. */
  public ParsedSchema parse(String schemaText, String schemaType) {
    if (schemaText != null && schemaText.length() > limits.maxSchemaBytes()) {
      throw new RegistryError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: "
              + schemaText.length()
              + " characters, more than this registry's limit of "
              + limits.maxSchemaBytes());
    }
    return parseUnbounded(schemaText, schemaType);
  }

  private static ParsedSchema parseUnbounded(String schemaText, String schemaType) {
    if (schemaType != null && !schemaType.equalsIgnoreCase("AVRO")) {
      throw new RegistryError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema type " + schemaType + ": this registry supports AVRO only");
    }
    if (schemaText == null || schemaText.isBlank()) {
      throw new RegistryError(
          422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: empty schema");
    }
    try {
      Schema schema = new Schema.Parser().parse(schemaText);
      return new ParsedSchema(schema, schema.toString());
    } catch (RuntimeException e) {
      throw new RegistryError(
          422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage(), e);
    } catch (StackOverflowError e) {
      // Avro parses recursively: a schema nested deeper than the stack allows is refused, not a
      // dead request thread.
      throw new RegistryError(
          422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: nested too deeply");
    }
  }

  /** {@code POST /subjects/{subject}/versions}: the id of the schema, registering it if new. */
  public int register(String subject, ParsedSchema parsed) {
    for (int attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
      Optional<Version> existing = state.find(subject, parsed.canonical());
      if (existing.isPresent()) {
        return existing.get().id();
      }
      SubjectSnapshot snapshot = state.snapshot(subject);
      checkCaps(subject, snapshot);
      List<String> problems =
          AvroCompatibility.incompatibilities(
              state.effectiveLevel(subject), parsed.schema(), snapshot.schemas());
      if (!problems.isEmpty()) {
        throw incompatible(subject, problems);
      }
      ClaimOutcome outcome =
          store.appendClaim(subject, parsed.canonical(), snapshot.latestVersion(), WRITE_TIMEOUT);
      if (outcome instanceof ClaimOutcome.Registered registered) {
        return registered.id();
      }
      if (outcome instanceof ClaimOutcome.Invalid invalid) {
        throw new RegistryError(
            422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + invalid.reason());
      }
      // Conflict: another instance registered a version first; the reader has applied it (it
      // precedes our claim), so the next attempt checks compatibility against it.
      log.info(
          "Registration under {} lost a race to a concurrent one (attempt {}); retrying",
          subject,
          attempt);
    }
    throw RegistryError.storeError(
        "Register operation kept conflicting with concurrent registrations; retry", null);
  }

  /**
   * Refuses a version beyond the caps. Checked against this instance's state before the claim, so
   * concurrent registrations on several instances may overshoot a cap by a few: it bounds growth,
   * it is not an exact quota.
   */
  private void checkCaps(String subject, SubjectSnapshot snapshot) {
    if (snapshot.latestVersion() == 0 && state.subjects().size() >= limits.maxSubjects()) {
      throw new RegistryError(
          422,
          RegistryError.OPERATION_NOT_PERMITTED,
          "Subject limit reached: this registry holds at most "
              + limits.maxSubjects()
              + " subjects");
    }
    if (snapshot.latestVersion() >= limits.maxVersionsPerSubject()) {
      throw new RegistryError(
          422,
          RegistryError.OPERATION_NOT_PERMITTED,
          "Version limit reached: subject '"
              + subject
              + "' already has "
              + limits.maxVersionsPerSubject()
              + " versions");
    }
  }

  /** {@code POST /subjects/{subject}}: the version of {@code subject} holding this schema. */
  public Version lookup(String subject, ParsedSchema parsed) {
    return withReadBarrier(
        () -> {
          if (!state.hasSubject(subject)) {
            throw RegistryError.subjectNotFound(subject);
          }
          return state
              .find(subject, parsed.canonical())
              .orElseThrow(() -> RegistryError.schemaNotFound("Schema not found"));
        });
  }

  /** {@code GET /schemas/ids/{id}}. */
  public String schemaText(int id) {
    return withReadBarrier(
        () ->
            state
                .canonicalById(id)
                .orElseThrow(() -> RegistryError.schemaNotFound("Schema " + id + " not found")));
  }

  /** {@code GET /schemas/ids/{id}/versions}. */
  public List<Version> versionsOfId(int id) {
    schemaText(id);
    return state.versionsOfId(id);
  }

  public List<String> subjects() {
    return state.subjects();
  }

  /** {@code GET /subjects/{subject}/versions}. */
  public List<Integer> versions(String subject) {
    return withReadBarrier(
        () -> state.versions(subject).orElseThrow(() -> RegistryError.subjectNotFound(subject)));
  }

  /** {@code GET /subjects/{subject}/versions/{version}}; version -1 means latest. */
  public Version version(String subject, int version) {
    return withReadBarrier(
        () -> {
          if (!state.hasSubject(subject)) {
            throw RegistryError.subjectNotFound(subject);
          }
          Optional<Version> found =
              version == -1 ? state.latest(subject) : state.version(subject, version);
          return found.orElseThrow(() -> RegistryError.versionNotFound(version));
        });
  }

  /**
   * {@code POST /compatibility/subjects/{subject}/versions/{version}}: problems of {@code parsed}
   * against that version (or, for latest / null, against what the subject's level checks); empty
   * when compatible. A subject without versions accepts anything, as Confluent's does.
   */
  public List<String> compatibilityProblems(String subject, Integer version, ParsedSchema parsed) {
    CompatibilityLevel level = state.effectiveLevel(subject);
    if (version == null || version == -1) {
      return AvroCompatibility.incompatibilities(
          level, parsed.schema(), state.snapshot(subject).schemas());
    }
    Version against = version(subject, version);
    CompatibilityLevel single =
        switch (level) {
          case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
          case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
          case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
          default -> level;
        };
    return AvroCompatibility.incompatibilities(single, parsed.schema(), List.of(against.schema()));
  }

  /** {@code POST /compatibility/subjects/{subject}/versions}: against every version. */
  public List<String> compatibilityProblemsAll(String subject, ParsedSchema parsed) {
    CompatibilityLevel level = state.effectiveLevel(subject);
    CompatibilityLevel transitive =
        switch (level) {
          case BACKWARD -> CompatibilityLevel.BACKWARD_TRANSITIVE;
          case FORWARD -> CompatibilityLevel.FORWARD_TRANSITIVE;
          case FULL -> CompatibilityLevel.FULL_TRANSITIVE;
          default -> level;
        };
    return AvroCompatibility.incompatibilities(
        transitive, parsed.schema(), state.snapshot(subject).schemas());
  }

  public CompatibilityLevel globalLevel() {
    return state.globalLevel();
  }

  public Optional<CompatibilityLevel> subjectLevel(String subject) {
    return state.subjectLevel(subject);
  }

  /** {@code PUT /config} ({@code subject == null}) or {@code PUT /config/{subject}}. */
  public void setLevel(String subject, CompatibilityLevel level) {
    store.appendConfig(subject, level, WRITE_TIMEOUT);
  }

  /** {@code DELETE /config/{subject}}: the level it had. */
  public CompatibilityLevel deleteSubjectLevel(String subject) {
    Optional<CompatibilityLevel> current = state.subjectLevel(subject);
    if (current.isEmpty()) {
      throw RegistryError.subjectNotFound(subject);
    }
    store.appendConfig(subject, null, WRITE_TIMEOUT);
    return current.get();
  }

  public boolean isHealthy() {
    return store.isHealthy();
  }

  static RegistryError incompatible(String subject, List<String> problems) {
    return new RegistryError(
        409,
        SchemaRegistryException.INCOMPATIBLE_SCHEMA,
        "Schema being registered is incompatible with an earlier schema for subject \""
            + subject
            + "\", details: "
            + problems);
  }

  /**
   * Answers from local state; on a not-found answer first catches up with the log once, so what
   * another instance registered a moment ago is found rather than reported missing.
   */
  private <T> T withReadBarrier(Supplier<T> read) {
    try {
      return read.get();
    } catch (RegistryError e) {
      if (e.status() != 404 || !store.catchUp(READ_BARRIER_TIMEOUT)) {
        throw e;
      }
      return read.get();
    }
  }
}
