package io.regen.realtime.registry;

import org.apache.avro.Schema;

/** Small Avro schemas for registry tests. */
final class TestSchemas {
  private TestSchemas() {}

  /** Record {@code name} with a required {@code id} and optional string fields {@code extras}. */
  static Schema record(String name, String... extras) {
    StringBuilder json = new StringBuilder();
    json.append("{\"type\":\"record\",\"name\":\"")
        .append(name)
        .append("\",\"namespace\":\"test\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}");
    for (String extra : extras) {
      json.append(",{\"name\":\"")
          .append(extra)
          .append("\",\"type\":[\"null\",\"string\"],\"default\":null}");
    }
    json.append("]}");
    return new Schema.Parser().parse(json.toString());
  }

  /** {@code record(name)} plus a required field without default: not BACKWARD compatible. */
  static Schema withRequiredField(String name, String field) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\""
                + name
                + "\",\"namespace\":\"test\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\""
                + field
                + "\",\"type\":\"int\"}]}");
  }
}
