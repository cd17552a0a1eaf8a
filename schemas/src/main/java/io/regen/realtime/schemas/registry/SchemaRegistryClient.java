package io.regen.realtime.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of Confluent's Schema Registry REST API the platform uses. Implementations are
 * thread-safe and cache what cannot change (a schema by id, the id of a schema under a subject), so
 * serdes may call them per record. Failures are {@link SchemaRegistryException}s with Confluent's
 * error codes.
 */
public interface SchemaRegistryClient {

  /** {@code POST /subjects/{subject}/versions}: registers (or finds) the schema; returns its id. */
  int register(String subject, Schema schema);

  /** {@code POST /subjects/{subject}}: the id of an already registered schema (404 if absent). */
  int lookupId(String subject, Schema schema);

  /** {@code GET /schemas/ids/{id}}. */
  Schema schemaById(int id);

  /** {@code GET /subjects/{subject}/versions}. */
  List<Integer> versions(String subject);

  /** {@code GET /subjects/{subject}/versions/{version}}. */
  RegisteredSchema version(String subject, int version);

  /** {@code GET /subjects/{subject}/versions/latest}. */
  RegisteredSchema latest(String subject);

  /** {@code POST /compatibility/subjects/{subject}/versions/latest}. */
  boolean isCompatible(String subject, Schema schema);

  /** {@code GET /config/{subject}} falling back to the global level. */
  CompatibilityLevel compatibility(String subject);

  /** {@code PUT /config/{subject}}; a null subject sets the global level. */
  void setCompatibility(String subject, CompatibilityLevel level);
}
