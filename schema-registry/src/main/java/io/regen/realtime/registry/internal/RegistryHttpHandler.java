package io.regen.realtime.registry.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.regen.realtime.registry.internal.RegistryService.ParsedSchema;
import io.regen.realtime.registry.internal.RegistryState.Version;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Routes Confluent Schema Registry REST requests to {@link RegistryService} and writes Confluent's
 * JSON shapes, status codes and {@code {"error_code", "message"}} errors.
 */
public final class RegistryHttpHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final RegistryService registry;

  private final Counter ok;
  private final Counter clientErrors;
  private final Counter serverErrors;

  public RegistryHttpHandler(RegistryService registry, MeterRegistry meters) {
    this.registry = registry;
    this.ok = responses(meters, "success");
    this.clientErrors = responses(meters, "client_error");
    this.serverErrors = responses(meters, "server_error");
  }

  private static Counter responses(MeterRegistry meters, String outcome) {
    return Counter.builder("schema.registry.responses")
        .tag("outcome", outcome)
        .description("Responses of the schema registry by outcome (server_error: 5xx)")
        .register(meters);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status;
      JsonNode body;
      try {
        body = route(exchange);
        status = 200;
      } catch (RegistryError e) {
        if (e.status() >= 500) {
          log.warn(
              "{} {} failed: {}",
              exchange.getRequestMethod(),
              exchange.getRequestURI(),
              e.getMessage(),
              e.getCause());
        }
        status = e.status();
        body = error(e.errorCode(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        status = 500;
        body = error(50001, "Error in the backend data store: " + e);
      }
      (status >= 500 ? serverErrors : status >= 400 ? clientErrors : ok).increment();
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private JsonNode route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
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
          return versionJson(registry.lookup(subject, schemaFrom(exchange)));
        }
        if (path.get(2).equals("versions")) {
          if (n == 3) {
            if (method.equals("POST")) {
              int id = registry.register(subject, schemaFrom(exchange));
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
          ParsedSchema parsed = schemaFrom(exchange);
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
              CompatibilityLevel level = levelFrom(exchange);
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

  private static ObjectNode error(int code, String message) {
    ObjectNode json = JSON.createObjectNode();
    json.put("error_code", code);
    json.put("message", message);
    return json;
  }

  private static JsonNode readBody(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new RegistryError(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
    }
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

  private static ParsedSchema schemaFrom(HttpExchange exchange) throws IOException {
    JsonNode body = readBody(exchange);
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw new RegistryError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: schema references are not supported by this registry");
    }
    JsonNode schema = body.get("schema");
    JsonNode type = body.get("schemaType");
    return RegistryService.parse(
        schema != null && schema.isString() ? schema.asString() : null,
        type != null && type.isString() ? type.asString() : null);
  }

  private static CompatibilityLevel levelFrom(HttpExchange exchange) throws IOException {
    JsonNode body = readBody(exchange);
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

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    if (rawPath == null) {
      return segments;
    }
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        // Subjects are percent-encoded path segments; '+' is literal in a path.
        segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }
}
