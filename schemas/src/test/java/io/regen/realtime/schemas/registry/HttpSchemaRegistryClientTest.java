package io.regen.realtime.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client's requests and its reading of answers, against a stub HTTP server that records what it
 * received and answers what each test tells it (the real server is tested in schema-registry).
 */
class HttpSchemaRegistryClientTest {
  private static final String CT = "application/vnd.schemaregistry.v1+json";
  private static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

  record Request(String method, String rawPathAndQuery, String contentType, String body) {}

  record Answer(int status, String body) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private HttpServer server;
  private HttpSchemaRegistryClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String target =
              exchange.getRequestURI().getRawPath()
                  + (exchange.getRequestURI().getRawQuery() == null
                      ? ""
                      : "?" + exchange.getRequestURI().getRawQuery());
          requests.add(
              new Request(
                  exchange.getRequestMethod(),
                  target,
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          Answer answer =
              answers.getOrDefault(
                  exchange.getRequestMethod() + " " + target,
                  new Answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"));
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", CT);
          exchange.sendResponseHeaders(answer.status(), bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    client =
        new HttpSchemaRegistryClient("http://localhost:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(String methodAndPath, int status, String body) {
    answers.put(methodAndPath, new Answer(status, body));
  }

  @Test
  void registerPostsTheSchemaToTheEncodedSubjectAndCachesTheId() {
    answer("POST /subjects/my%20topic%2Fx-value/versions", 200, "{\"id\":7}");

    assertThat(client.register("my topic/x-value", SCHEMA)).isEqualTo(7);
    assertThat(client.register("my topic/x-value", SCHEMA)).isEqualTo(7);
    assertThat(client.lookupId("my topic/x-value", SCHEMA)).isEqualTo(7);
    // The registered schema is known by id without asking.
    assertThat(client.schemaById(7)).isEqualTo(SCHEMA);

    assertThat(requests).hasSize(1);
    Request request = requests.get(0);
    assertThat(request.contentType()).isEqualTo(CT);
    JsonNode body = JsonMapper.builder().build().readTree(request.body());
    assertThat(new Schema.Parser().parse(body.get("schema").asString())).isEqualTo(SCHEMA);
  }

  @Test
  void schemaByIdIsFetchedOnceAndCached() {
    answer("GET /schemas/ids/3", 200, "{\"schema\":" + quote(SCHEMA.toString()) + "}");
    assertThat(client.schemaById(3)).isEqualTo(SCHEMA);
    assertThat(client.schemaById(3)).isEqualTo(SCHEMA);
    assertThat(requests).hasSize(1);
  }

  @Test
  void versionsLatestAndLookupAreReadFromConfluentShapes() {
    answer("GET /subjects/s/versions", 200, "[1,2,3]");
    String version =
        "{\"subject\":\"s\",\"version\":3,\"id\":9,\"schema\":" + quote(SCHEMA.toString()) + "}";
    answer("GET /subjects/s/versions/latest", 200, version);
    answer("GET /subjects/s/versions/3", 200, version);
    answer("POST /subjects/s", 200, version);

    assertThat(client.versions("s")).containsExactly(1, 2, 3);
    assertThat(client.latest("s")).isEqualTo(new RegisteredSchema("s", 3, 9, SCHEMA));
    assertThat(client.version("s", 3)).isEqualTo(new RegisteredSchema("s", 3, 9, SCHEMA));
    assertThat(client.lookupId("s", SCHEMA)).isEqualTo(9);
    // Versions are never cached: they change.
    client.versions("s");
    assertThat(requests.stream().filter(r -> r.rawPathAndQuery().equals("/subjects/s/versions")))
        .hasSize(2);
  }

  @Test
  void compatibilityCheckReadsIsCompatible() {
    answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":false}");
    assertThat(client.isCompatible("s", SCHEMA)).isFalse();
    answer("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":true}");
    assertThat(client.isCompatible("s", SCHEMA)).isTrue();
  }

  @Test
  void configIsReadWithDefaultToGlobalAndFallsBackToTheGlobalLevel() {
    answer("GET /config/s?defaultToGlobal=true", 200, "{\"compatibilityLevel\":\"FULL\"}");
    answer("GET /config", 200, "{\"compatibilityLevel\":\"FORWARD\"}");
    assertThat(client.compatibility("s")).isEqualTo(CompatibilityLevel.FULL);
    assertThat(client.compatibility(null)).isEqualTo(CompatibilityLevel.FORWARD);
    // An older registry answers 404 for a subject without its own level.
    answer(
        "GET /config/t?defaultToGlobal=true",
        404,
        "{\"error_code\":40401,\"message\":\"Subject 't' not found.\"}");
    assertThat(client.compatibility("t")).isEqualTo(CompatibilityLevel.FORWARD);
  }

  @Test
  void setCompatibilityPutsTheLevel() {
    answer("PUT /config/s", 200, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
    answer("PUT /config", 200, "{\"compatibility\":\"NONE\"}");
    client.setCompatibility("s", CompatibilityLevel.FULL_TRANSITIVE);
    client.setCompatibility(null, CompatibilityLevel.NONE);
    assertThat(requests)
        .extracting(Request::method, Request::rawPathAndQuery, Request::body)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "PUT", "/config/s", "{\"compatibility\":\"FULL_TRANSITIVE\"}"),
            org.assertj.core.groups.Tuple.tuple("PUT", "/config", "{\"compatibility\":\"NONE\"}"));
  }

  @Test
  void registryErrorsCarryStatusCodeAndMessage() {
    answer(
        "POST /subjects/s/versions",
        409,
        "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
    answer(
        "GET /subjects/nope/versions",
        404,
        "{\"error_code\":40401,\"message\":\"Subject 'nope' not found.\"}");

    assertThatThrownBy(() -> client.register("s", SCHEMA))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.getMessage()).contains("incompatible");
            });
    assertThatThrownBy(() -> client.versions("nope"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(40401);
              assertThat(e.getMessage()).contains("Subject 'nope' not found.");
            });
    // A failed registration is not cached.
    answer("POST /subjects/s/versions", 200, "{\"id\":1}");
    assertThat(client.register("s", SCHEMA)).isEqualTo(1);
  }

  @Test
  void nonJsonErrorsAndUnexpectedAnswersAreClear() {
    answer("GET /subjects/s/versions", 502, "<html>Bad Gateway</html>");
    assertThatThrownBy(() -> client.versions("s"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(502);
              assertThat(e.getMessage()).contains("Bad Gateway");
            });
    answer("GET /schemas/ids/1", 200, "{\"unexpected\":true}");
    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("expected");
    answer("GET /schemas/ids/2", 200, "{\"schema\":\"{not avro\"}");
    assertThatThrownBy(() -> client.schemaById(2))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("cannot parse");
  }

  @Test
  void anUnreachableRegistryIsStatusZeroWithTheCause() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var unreachable =
        new HttpSchemaRegistryClient(
            "http://localhost:" + port, Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThatThrownBy(() -> unreachable.schemaById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.getMessage()).contains("unreachable");
              assertThat(e.getCause()).isInstanceOf(IOException.class);
            });
    assertThatThrownBy(() -> unreachable.schemaById(1))
        .isInstanceOf(SchemaRegistryUnavailableException.class);
  }

  @Test
  void serverErrorsAndTimeoutsAreUnavailableButClientErrorsAreNot() {
    answer("GET /schemas/ids/1", 503, "{\"error_code\":50301,\"message\":\"starting\"}");
    answer("GET /schemas/ids/2", 500, "<html>oops</html>");
    answer("GET /schemas/ids/3", 404, "{\"error_code\":40403,\"message\":\"not found\"}");
    answer("GET /schemas/ids/4", 429, "{\"error_code\":429,\"message\":\"slow down\"}");
    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryUnavailableException.class,
            e -> assertThat(e.httpStatus()).isEqualTo(503));
    assertThatThrownBy(() -> client.schemaById(2))
        .isInstanceOf(SchemaRegistryUnavailableException.class);
    assertThatThrownBy(() -> client.schemaById(4))
        .isInstanceOf(SchemaRegistryUnavailableException.class);
    assertThatThrownBy(() -> client.schemaById(3))
        .isInstanceOf(SchemaRegistryException.class)
        .isNotInstanceOf(SchemaRegistryUnavailableException.class);
  }

  @Test
  void aRegistryThatDoesNotAnswerInTimeIsUnavailable() {
    server.createContext(
        "/schemas/ids/9",
        exchange -> {
          try {
            // Holds the answer past the client's request timeout (the test's own deadline).
            new java.util.concurrent.CountDownLatch(1)
                .await(1500, java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    var impatient =
        new HttpSchemaRegistryClient(
            "http://localhost:" + server.getAddress().getPort(),
            Duration.ofSeconds(1),
            Duration.ofMillis(300));
    assertThatThrownBy(() -> impatient.schemaById(9))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("unreachable");
  }

  @Test
  void baseUrlMustBeHttp() {
    assertThatThrownBy(() -> new HttpSchemaRegistryClient("localhost:8081"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new HttpSchemaRegistryClient("http://h:1//").baseUrl()).isEqualTo("http://h:1");
  }

  private static String quote(String text) {
    return JsonMapper.builder().build().writeValueAsString(text);
  }
}
