package io.regen.realtime.streams;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The schemas a store's values were written with before the current one, kept as resources under
 * {@code io/regen/realtime/streams/store-schemas/<store>-v<N>.avsc}: a changelog and a state
 * directory written by an older version hold values of those schemas, in plain binary without a
 * schema id, and must stay readable ({@link io.regen.realtime.schemas.serde.AvroBinarySerde}
 * resolves them). Changing a value schema means copying the current one here as the next version
 * first, and appending the new fields with defaults ({@code StoreSchemaHistoryTest} checks both).
 */
final class StoreSchemaHistory {
  /** Released versions of the job-state value before the current one (v3, responseBytes). */
  static final int JOB_STATE_EARLIER_VERSIONS = 2;

  private StoreSchemaHistory() {}

  /** The earlier schemas of {@code store}'s values, newest first. */
  static List<Schema> earlier(String store, int versions) {
    List<Schema> schemas = new ArrayList<>();
    for (int v = versions; v >= 1; v--) {
      schemas.add(load(store, v));
    }
    return List.copyOf(schemas);
  }

  static Schema load(String store, int version) {
    String resource = "store-schemas/" + store + "-v" + version + ".avsc";
    try (InputStream in = StoreSchemaHistory.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing store schema resource " + resource);
      }
      // A parser per file: every version defines the same named types.
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read store schema " + resource, e);
    }
  }
}
