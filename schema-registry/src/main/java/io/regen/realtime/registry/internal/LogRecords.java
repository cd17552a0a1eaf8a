package io.regen.realtime.registry.internal;

import io.regen.realtime.schemas.registry.CompatibilityLevel;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON records of the {@code _schemas} log. Config records use Confluent's own key and value
 * shape ({@code {"keytype":"CONFIG","subject":...,"magic":0}} → {@code
 * {"compatibilityLevel":"FULL"}}), compacted per subject. Registration claims carry a unique claim
 * id in their key, so compaction never removes one: replay must see every accepted claim to
 * recompute the same ids.
 */
public final class LogRecords {
  private LogRecords() {}

  static final String CONFIG = "CONFIG";
  static final String CLAIM = "REGEN_SCHEMA_CLAIM";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** A decoded log record. */
  public sealed interface Entry {}

  /** A writer's claim that {@code schema} becomes the next version after {@code expected}. */
  public record Claim(String claimId, String subject, String schema, int expectedLatestVersion)
      implements Entry {}

  /** A compatibility level for a subject (null = global); a null level removes the subject's. */
  public record Config(String subject, CompatibilityLevel level) implements Entry {}

  /** Anything this registry does not write (other tools' records, garbage): skipped. */
  public record Unknown(String reason) implements Entry {}

  public static String claimKey(Claim claim) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", CLAIM);
    key.put("subject", claim.subject());
    key.put("claim", claim.claimId());
    key.put("magic", 0);
    return JSON.writeValueAsString(key);
  }

  public static String claimValue(Claim claim) {
    ObjectNode value = JSON.createObjectNode();
    value.put("claim", claim.claimId());
    value.put("subject", claim.subject());
    value.put("expectedLatestVersion", claim.expectedLatestVersion());
    value.put("schema", claim.schema());
    return JSON.writeValueAsString(value);
  }

  public static String configKey(String subject) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", CONFIG);
    if (subject == null) {
      key.putNull("subject");
    } else {
      key.put("subject", subject);
    }
    key.put("magic", 0);
    return JSON.writeValueAsString(key);
  }

  /** The value of a config record; null (a tombstone) when {@code level} is null. */
  public static String configValue(CompatibilityLevel level) {
    if (level == null) {
      return null;
    }
    ObjectNode value = JSON.createObjectNode();
    value.put("compatibilityLevel", level.name());
    return JSON.writeValueAsString(value);
  }

  /** Decodes one record; never throws. */
  public static Entry decode(String key, String value) {
    if (key == null) {
      return new Unknown("record without key");
    }
    try {
      JsonNode k = JSON.readTree(key);
      String type = k.path("keytype").asString("");
      if (CONFIG.equals(type)) {
        JsonNode subjectNode = k.get("subject");
        String subject =
            subjectNode == null || subjectNode.isNull() ? null : subjectNode.asString();
        if (value == null) {
          return new Config(subject, null);
        }
        JsonNode v = JSON.readTree(value);
        return new Config(
            subject, CompatibilityLevel.parse(v.path("compatibilityLevel").asString()));
      }
      if (CLAIM.equals(type)) {
        if (value == null) {
          return new Unknown("claim tombstone");
        }
        JsonNode v = JSON.readTree(value);
        if (!v.path("subject").isString()
            || !v.path("schema").isString()
            || !v.path("claim").isString()
            || !v.path("expectedLatestVersion").isIntegralNumber()) {
          return new Unknown("incomplete claim " + value);
        }
        return new Claim(
            v.get("claim").asString(),
            v.get("subject").asString(),
            v.get("schema").asString(),
            v.get("expectedLatestVersion").intValue());
      }
      return new Unknown("keytype " + type);
    } catch (JacksonException | IllegalArgumentException e) {
      return new Unknown(e.getMessage());
    }
  }
}
