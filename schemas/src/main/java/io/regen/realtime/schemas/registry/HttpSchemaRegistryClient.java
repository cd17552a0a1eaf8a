package io.regen.realtime.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link SchemaRegistryClient} speaking Confluent Schema Registry's REST API over HTTP, so it
 * works against the embedded registry and against Confluent, Karapace, Redpanda or Apicurio's
 * ccompat API alike.
 *
 * <p>Schemas by id and ids by (subject, schema) are cached for the client's life: a registry never
 * changes them. Everything else (versions, latest, config) is fetched on every call. Thread-safe.
 * Errors the registry reports become {@link SchemaRegistryException}s carrying its HTTP status and
 * {@code error_code}. A registry that cannot answer now (unreachable, timed out, 5xx, 408, 429) is
 * a {@link SchemaRegistryUnavailableException} (status 0 when no answer came): callers retry. A 2xx
 * answer that is not what the API promises is a plain {@link SchemaRegistryException} with status 0
 * and the cause.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
  /** The content type Confluent's registry speaks. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final String baseUrl;
  private final Duration requestTimeout;
  private final String authorization; // null: no credentials
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

  private record SubjectSchema(String subject, String canonicalSchema) {}

  /**
   * A client for the registry at {@code baseUrl} (e.g. {@code http://localhost:8081}), secured as
   * the process environment says ({@link RegistryClientSettings#fromEnvironment}: {@code
   * SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}, {@code SCHEMA_REGISTRY_SSL_*}), so every role picks up
   * the same credentials without further wiring.
   */
  public HttpSchemaRegistryClient(String baseUrl) {
    this(baseUrl, RegistryClientSettings.fromEnvironment(System.getenv()));
  }

  /**
   * As {@link #HttpSchemaRegistryClient(String)}, giving up on connecting after {@code
   * connectTimeout} and on a whole request after {@code requestTimeout}.
   */
  public HttpSchemaRegistryClient(
      String baseUrl, Duration connectTimeout, Duration requestTimeout) {
    this(
        baseUrl,
        RegistryClientSettings.fromEnvironment(System.getenv())
            .withTimeouts(connectTimeout, requestTimeout));
  }

  /**
   * A client for the registry at {@code baseUrl} with explicit settings. Credentials in the URL
   * ({@code https://user:password@host}, Confluent's {@code URL} credentials source) are taken out
   * of it and used when the settings carry none; they never appear in messages.
   */
  public HttpSchemaRegistryClient(String baseUrl, RegistryClientSettings settings) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(settings, "settings");
    String trimmed = baseUrl.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
      throw new IllegalArgumentException(
          "Schema registry URL must start with http:// or https://: " + withoutUserInfo(baseUrl));
    }
    Optional<String> userInfo = settings.basicAuthUserInfo();
    int schemeEnd = trimmed.indexOf("://") + 3;
    int hostEnd = trimmed.indexOf('/', schemeEnd);
    int at = trimmed.lastIndexOf('@', hostEnd < 0 ? trimmed.length() : hostEnd);
    if (at >= schemeEnd) {
      String fromUrl = URLDecoder.decode(trimmed.substring(schemeEnd, at), StandardCharsets.UTF_8);
      trimmed = trimmed.substring(0, schemeEnd) + trimmed.substring(at + 1);
      if (userInfo.isEmpty()) {
        userInfo = Optional.of(fromUrl);
      }
    }
    this.baseUrl = trimmed;
    this.authorization =
        userInfo
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)))
            .orElse(null);
    this.requestTimeout = settings.requestTimeout();
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1);
    settings.sslContext().ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  private static String withoutUserInfo(String url) {
    int at = url.lastIndexOf('@');
    return at < 0 ? url : "***@" + url.substring(at + 1);
  }

  /** The registry's base URL, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema.toString());
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode response =
        send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = requiredInt(response, "id");
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public int lookupId(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema.toString());
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode response = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
    int id = requiredInt(response, "id");
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode response = send("GET", "/schemas/ids/" + id, null);
    Schema schema = parse(requiredText(response, "schema"));
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  @Override
  public List<Integer> versions(String subject) {
    JsonNode response = send("GET", "/subjects/" + encode(subject) + "/versions", null);
    if (!response.isArray()) {
      throw unexpected("a JSON array of versions", response);
    }
    List<Integer> versions = new ArrayList<>(response.size());
    for (JsonNode version : response) {
      if (!version.isIntegralNumber()) {
        throw unexpected("a JSON array of versions", response);
      }
      versions.add(version.intValue());
    }
    return List.copyOf(versions);
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    return fetchVersion(subject, Integer.toString(version));
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return fetchVersion(subject, "latest");
  }

  private RegisteredSchema fetchVersion(String subject, String version) {
    JsonNode response = send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
    int id = requiredInt(response, "id");
    Schema schema = schemasById.computeIfAbsent(id, i -> parse(requiredText(response, "schema")));
    String returnedSubject =
        response.hasNonNull("subject") ? response.get("subject").asString() : subject;
    return new RegisteredSchema(returnedSubject, requiredInt(response, "version"), id, schema);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    JsonNode response =
        send(
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/latest",
            schemaBody(schema));
    JsonNode compatible = response.get("is_compatible");
    if (compatible == null || !compatible.isBoolean()) {
      throw unexpected("{\"is_compatible\": true|false}", response);
    }
    return compatible.booleanValue();
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    if (subject != null) {
      try {
        // defaultToGlobal answers the effective level on registries that know it (Confluent 7+).
        return level(
            send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null),
            "compatibilityLevel");
      } catch (SchemaRegistryException e) {
        // Older registries answer 404 for a subject without its own level: use the global one.
        if (e.httpStatus() != 404) {
          throw e;
        }
      }
    }
    return level(send("GET", "/config", null), "compatibilityLevel");
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    ObjectNode body = JSON.createObjectNode();
    body.put("compatibility", level.name());
    send("PUT", subject == null ? "/config" : "/config/" + encode(subject), body);
  }

  private CompatibilityLevel level(JsonNode response, String field) {
    JsonNode value = response.get(field);
    if (value == null || !value.isString()) {
      // Some registries answer with "compatibility" instead.
      value = response.get("compatibility");
    }
    if (value == null || !value.isString()) {
      throw unexpected("{\"" + field + "\": level}", response);
    }
    try {
      return CompatibilityLevel.parse(value.asString());
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(
          "Schema registry at " + baseUrl + " answered an unknown level: " + value, e);
    }
  }

  private static ObjectNode schemaBody(Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    return body;
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpResponse<String> response = exchange(method, path, body);
    JsonNode json;
    try {
      json = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (JacksonException e) {
      if (response.statusCode() >= 400) {
        throw failure(
            response.statusCode(),
            response.statusCode(),
            method + " " + path + ": " + abbreviate(response.body()));
      }
      throw new SchemaRegistryException(
          "Schema registry at "
              + baseUrl
              + " answered "
              + method
              + " "
              + path
              + " with non-JSON: "
              + abbreviate(response.body()),
          e);
    }
    if (response.statusCode() >= 400) {
      throw errorOf(response, json);
    }
    return json;
  }

  /** Sends one request; no answer at all is the registry being unavailable. */
  private HttpResponse<String> exchange(String method, String path, JsonNode body) {
    URI uri = URI.create(baseUrl + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", CONTENT_TYPE);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // Refused, reset, HttpTimeoutException: no answer, so nothing is known about the request.
      throw new SchemaRegistryUnavailableException(
          "Schema registry at " + baseUrl + " unreachable: " + method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException(
          "Interrupted while calling schema registry: " + method + " " + uri, e);
    }
  }

  /** The error a 4xx/5xx JSON answer stands for, in Confluent's codes. */
  private SchemaRegistryException errorOf(HttpResponse<String> response, JsonNode json) {
    int code =
        json.hasNonNull("error_code") && json.get("error_code").isIntegralNumber()
            ? json.get("error_code").intValue()
            : response.statusCode();
    String message =
        json.hasNonNull("message") ? json.get("message").asString() : abbreviate(response.body());
    if (response.statusCode() == 401) {
      message =
          "Schema registry at "
              + baseUrl
              + (authorization == null
                  ? " requires credentials: set " + RegistryClientSettings.BASIC_AUTH_USER_INFO
                  : " refused the credentials")
              + " ("
              + message
              + ")";
    }
    return failure(response.statusCode(), code, message);
  }

  private static SchemaRegistryException failure(int status, int code, String message) {
    return SchemaRegistryUnavailableException.isTransientStatus(status)
        ? new SchemaRegistryUnavailableException(status, code, message)
        : new SchemaRegistryException(status, code, message);
  }

  private int requiredInt(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isIntegralNumber()) {
      throw unexpected("a JSON object with integer \"" + field + "\"", json);
    }
    return value.intValue();
  }

  private String requiredText(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isString()) {
      throw unexpected("a JSON object with string \"" + field + "\"", json);
    }
    return value.asString();
  }

  private Schema parse(String schema) {
    try {
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "Schema registry at " + baseUrl + " returned a schema Avro cannot parse: " + e, e);
    }
  }

  private SchemaRegistryException unexpected(String expected, JsonNode actual) {
    return new SchemaRegistryException(
        "Schema registry at "
            + baseUrl
            + " answered "
            + abbreviate(String.valueOf(actual))
            + ", expected "
            + expected,
        null);
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static String encode(String subject) {
    Objects.requireNonNull(subject, "subject");
    // URLEncoder is form encoding: a space must be %20 in a path segment, not '+'.
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
