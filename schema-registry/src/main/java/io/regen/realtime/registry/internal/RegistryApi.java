package io.regen.realtime.registry.internal;

import io.regen.realtime.registry.RegistryAccess;
import io.regen.realtime.registry.internal.RegistryService.ParsedSchema;
import io.regen.realtime.registry.internal.RegistryState.Version;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Confluent Schema Registry's REST API over {@link RegistryService}: routes a decoded request and
 * answers Confluent's JSON shapes; refusals are {@link RegistryError}s carrying Confluent's status
 * and {@code error_code}. Knows nothing about HTTP servers, so the transport (Jetty) stays thin.
 */
public final class RegistryApi {
  static final ObjectMapper JSON = JsonMapper.builder().build();

  private final RegistryService registry;

  public RegistryApi(RegistryService registry) {
    this.registry = registry;
  }

  /**
   * One decoded request.
   *
   * @param method the HTTP method
   * @param path the percent-decoded path segments
   * @param query the decoded query parameters
   * @param body the request body, empty when there is none
   */
  public record Call(String method, List<String> path, Map<String, String> query, byte[] body) {}

  /** The access a request needs: registering writes, config changes and deletes are admin. */
  public static RegistryAccess requiredAccess(String method, List<String> path) {
    String root = path.isEmpty() ? "" : path.get(0);
    switch (method) {
      case "GET", "HEAD" -> {
        return RegistryAccess.READ;
      }
      case "POST" -> {
        if (root.equals("subjects") && path.size() >= 3) {
          return RegistryAccess.WRITE;
        }
        // Looking a schema up under a subject and testing compatibility change nothing.
        return RegistryAccess.READ;
      }
      default -> {
        return RegistryAccess.ADMIN;
      }
    }
  }

  /** True when the method carries a body this API reads. */
  public static boolean expectsBody(String method) {
    return method.equals("POST") || method.equals("PUT");
  }

  /** Answers {@code call}; throws {@link RegistryError} for every refusal. */
  public JsonNode handle(Call call) {
    String method = call.method();
    List<String> path = call.path();
    Map<String, String> query = call.query();
    int n = path.size();
    String root = n == 0 ? "" : path.get(0);

    if (n == 0) {
      requireMethod(method, "GET");
      return JSON.createObjectNode();
    }
    switch (root) {
      case "schemas" -> {
        if (n == 2 && path.get(1).equals("types")) {
          requireMethod(method, "GET");
          return JSON.createArrayNode().add("AVRO");
        }
        if (n >= 3 && n <= 4 && path.get(1).equals("ids")) {
          int id = parseId(path.get(2));
          requireMethod(method, "GET");
          if (n == 3) {
            ObjectNode response = JSON.createObjectNode();
            response.put("schema", registry.schemaText(id));
            return response;
          }
          if (path.get(3).equals("versions")) {
            ArrayNode response = JSON.createArrayNode();
            for (Version v : registry.versionsOfId(id)) {
              response.addObject().put("subject", v.subject()).put("version", v.version());
            }
            return response;
          }
          if (path.get(3).equals("subjects")) {
            ArrayNode response = JSON.createArrayNode();
            registry.versionsOfId(id).stream()
                .map(Version::subject)
                .distinct()
                .forEach(response::add);
            return response;
          }
        }
      }
      case "subjects" -> {
        if (n == 1) {
          requireMethod(method, "GET");
          ArrayNode response = JSON.createArrayNode();
          registry.subjects().forEach(response::add);
          return response;
        }
        String subject = path.get(1);
        if (n == 2) {
          if (method.equals("DELETE")) {
            throw notSupported("Deleting subjects");
          }
          requireMethod(method, "POST");
          return versionJson(registry.lookup(subject, schemaFrom(call.body())));
        }
        if (path.get(2).equals("versions")) {
          if (n == 3) {
            if (method.equals("POST")) {
              int id = registry.register(subject, schemaFrom(call.body()));
              ObjectNode response = JSON.createObjectNode();
              response.put("id", id);
              return response;
            }
            requireMethod(method, "GET");
            ArrayNode response = JSON.createArrayNode();
            registry.versions(subject).forEach(response::add);
            return response;
          }
          if (n <= 5) {
            if (method.equals("DELETE")) {
              throw notSupported("Deleting versions");
            }
            requireMethod(method, "GET");
            Version version = registry.version(subject, parseVersion(path.get(3)));
            if (n == 4) {
              return versionJson(version);
            }
            if (path.get(4).equals("schema")) {
              return JSON.readTree(version.canonical());
            }
            if (path.get(4).equals("referencedby")) {
              return JSON.createArrayNode();
            }
          }
        }
      }
      case "compatibility" -> {
        if (n >= 4 && n <= 5 && path.get(1).equals("subjects") && path.get(3).equals("versions")) {
          requireMethod(method, "POST");
          String subject = path.get(2);
          ParsedSchema parsed = schemaFrom(call.body());
          List<String> problems =
              n == 4
                  ? registry.compatibilityProblemsAll(subject, parsed)
                  : registry.compatibilityProblems(subject, parseVersion(path.get(4)), parsed);
          ObjectNode response = JSON.createObjectNode();
          response.put("is_compatible", problems.isEmpty());
          if ("true".equalsIgnoreCase(query.get("verbose"))) {
            ArrayNode messages = response.putArray("messages");
            problems.forEach(messages::add);
          }
          return response;
        }
      }
      case "config" -> {
        if (n <= 2) {
          String subject = n == 2 ? path.get(1) : null;
          switch (method) {
            case "GET" -> {
              ObjectNode response = JSON.createObjectNode();
              if (subject == null) {
                response.put("compatibilityLevel", registry.globalLevel().name());
                return response;
              }
              Optional<CompatibilityLevel> own = registry.subjectLevel(subject);
              if (own.isEmpty() && !"true".equalsIgnoreCase(query.get("defaultToGlobal"))) {
                throw new RegistryError(
                    404,
                    SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                    "Subject '"
                        + subject
                        + "' does not have subject-level compatibility configured");
              }
              response.put("compatibilityLevel", own.orElseGet(registry::globalLevel).name());
              return response;
            }
            case "PUT" -> {
              CompatibilityLevel level = levelFrom(call.body());
              registry.setLevel(subject, level);
              ObjectNode response = JSON.createObjectNode();
              response.put("compatibility", level.name());
              return response;
            }
            case "DELETE" -> {
              if (subject == null) {
                throw notSupported("Deleting the global config");
              }
              ObjectNode response = JSON.createObjectNode();
              response.put("compatibilityLevel", registry.deleteSubjectLevel(subject).name());
              return response;
            }
            default -> throw methodNotAllowed(method);
          }
        }
      }
      default -> {
        // falls through to 404 below
      }
    }
    throw new RegistryError(404, 404, "HTTP 404 Not Found");
  }

  private static ObjectNode versionJson(Version version) {
    ObjectNode json = JSON.createObjectNode();
    json.put("subject", version.subject());
    json.put("version", version.version());
    json.put("id", version.id());
    json.put("schema", version.canonical());
    return json;
  }

  static ObjectNode error(int code, String message) {
    ObjectNode json = JSON.createObjectNode();
    json.put("error_code", code);
    json.put("message", message);
    return json;
  }

  private static JsonNode readBody(byte[] bytes) {
    try {
      JsonNode json = JSON.readTree(bytes);
      if (json == null || !json.isObject()) {
        throw new RegistryError(400, 400, "Request body must be a JSON object");
      }
      return json;
    } catch (JacksonException e) {
      throw new RegistryError(400, 400, "Malformed JSON: " + e.getOriginalMessage());
    }
  }

  private ParsedSchema schemaFrom(byte[] bytes) {
    JsonNode body = readBody(bytes);
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw new RegistryError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: schema references are not supported by this registry");
    }
    JsonNode schema = body.get("schema");
    JsonNode type = body.get("schemaType");
    return registry.parse(
        schema != null && schema.isString() ? schema.asString() : null,
        type != null && type.isString() ? type.asString() : null);
  }

  private static CompatibilityLevel levelFrom(byte[] bytes) {
    JsonNode body = readBody(bytes);
    JsonNode level = body.get("compatibility");
    if (level == null) {
      level = body.get("compatibilityLevel");
    }
    try {
      if (level == null || !level.isString()) {
        throw new IllegalArgumentException("missing");
      }
      return CompatibilityLevel.parse(level.asString());
    } catch (IllegalArgumentException e) {
      throw new RegistryError(
          422,
          SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level. Valid values are none, backward, forward, full,"
              + " backward_transitive, forward_transitive, and full_transitive");
    }
  }

  private static int parseVersion(String text) {
    if (text.equals("latest")) {
      return -1;
    }
    try {
      int version = Integer.parseInt(text);
      if (version >= 1 || version == -1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new RegistryError(
        422,
        SchemaRegistryException.INVALID_VERSION,
        "The specified version '"
            + text
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  private static int parseId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new RegistryError(404, 404, "HTTP 404 Not Found");
    }
  }

  private static void requireMethod(String actual, String expected) {
    if (!actual.equals(expected)) {
      throw methodNotAllowed(actual);
    }
  }

  private static RegistryError methodNotAllowed(String method) {
    return new RegistryError(405, 405, "HTTP 405 Method Not Allowed: " + method);
  }

  private static RegistryError notSupported(String what) {
    return new RegistryError(405, 405, what + " is not supported by this registry");
  }
}
