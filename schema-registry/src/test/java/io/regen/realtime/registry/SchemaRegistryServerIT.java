package io.regen.realtime.registry;

import static io.regen.realtime.registry.TestSchemas.record;
import static io.regen.realtime.registry.TestSchemas.withRequiredField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.schemas.Topics;
import io.regen.realtime.schemas.registry.CompatibilityLevel;
import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.RegisteredSchema;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SchemaRegistryServerIT {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static EmbeddedKafka kafka;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startKafka() {
    kafka = new EmbeddedKafka();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  private static SchemaRegistryServer newServer(String topic) {
    return new SchemaRegistryServer(kafka.bootstrapServers(), 0, topic, Duration.ofSeconds(30));
  }

  private static String uniqueTopic() {
    return "_schemas-" + UUID.randomUUID();
  }

  @Test
  void registersLooksUpAndListsVersionsThroughTheClient() {
    try (SchemaRegistryServer server = newServer(uniqueTopic())) {
      server.start();
      assertThat(server.isReady()).isTrue();
      assertThat(server.url()).isEqualTo("http://localhost:" + server.port());
      var client = new HttpSchemaRegistryClient(server.url());
      Schema v1 = record("User");
      Schema v2 = record("User", "email");

      int id1 = client.register("users-value", v1);
      int id2 = client.register("users-value", v2);

      assertThat(id2).isNotEqualTo(id1);
      assertThat(client.register("users-value", v1)).as("identical schema").isEqualTo(id1);
      assertThat(client.lookupId("users-value", v2)).isEqualTo(id2);
      assertThat(client.versions("users-value")).containsExactly(1, 2);
      assertThat(client.version("users-value", 1))
          .isEqualTo(new RegisteredSchema("users-value", 1, id1, v1));
      RegisteredSchema latest = client.latest("users-value");
      assertThat(latest.version()).isEqualTo(2);
      assertThat(latest.id()).isEqualTo(id2);
      assertThat(latest.schema()).isEqualTo(v2);
      // A fresh client (no cache) reads the schema from the server.
      assertThat(new HttpSchemaRegistryClient(server.url()).schemaById(id2)).isEqualTo(v2);
      // The same schema under another subject shares its id.
      assertThat(client.register("other-value", v2)).isEqualTo(id2);

      assertThat(client.isCompatible("users-value", record("User", "email", "phone"))).isTrue();
      assertThat(client.isCompatible("users-value", withRequiredField("User", "age"))).isFalse();
      assertThat(client.isCompatible("new-subject", withRequiredField("User", "age"))).isTrue();

      assertThat(client.compatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
      assertThat(client.compatibility("users-value")).isEqualTo(CompatibilityLevel.BACKWARD);
      client.setCompatibility("users-value", CompatibilityLevel.FULL_TRANSITIVE);
      assertThat(client.compatibility("users-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
      assertThat(client.compatibility("other-value")).isEqualTo(CompatibilityLevel.BACKWARD);
      client.setCompatibility(null, CompatibilityLevel.NONE);
      assertThat(client.compatibility("other-value")).isEqualTo(CompatibilityLevel.NONE);
    }
  }

  @Test
  void incompatibleSchemaIsRefusedWith409() throws Exception {
    try (SchemaRegistryServer server = newServer(uniqueTopic())) {
      server.start();
      var client = new HttpSchemaRegistryClient(server.url());
      client.register("orders-value", record("Order"));

      assertThatThrownBy(() -> client.register("orders-value", withRequiredField("Order", "qty")))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> {
                assertThat(e.httpStatus()).isEqualTo(409);
                assertThat(e.errorCode()).isEqualTo(409);
                assertThat(e.getMessage()).contains("incompatible").contains("orders-value");
              });

      Response raw =
          call(
              server,
              "POST",
              "/subjects/orders-value/versions",
              schemaBody(withRequiredField("Order", "qty")));
      assertThat(raw.status).isEqualTo(409);
      assertThat(raw.json.get("error_code").intValue()).isEqualTo(409);
      assertThat(raw.json.get("message").asString()).contains("incompatible");
      assertThat(client.versions("orders-value")).containsExactly(1);

      // Under NONE the same schema is accepted as version 2.
      client.setCompatibility("orders-value", CompatibilityLevel.NONE);
      client.register("orders-value", withRequiredField("Order", "qty"));
      assertThat(client.versions("orders-value")).containsExactly(1, 2);
    }
  }

  @Test
  void speaksConfluentPathsStatusCodesAndJsonShapes() throws Exception {
    try (SchemaRegistryServer server = newServer(uniqueTopic())) {
      server.start();
      Schema schema = record("Shape");

      Response registered =
          call(server, "POST", "/subjects/shapes%20value/versions", schemaBody(schema));
      assertThat(registered.status).isEqualTo(200);
      assertThat(registered.contentType).isEqualTo(CONTENT_TYPE);
      assertThat(registered.json.propertyNames()).containsExactly("id");
      int id = registered.json.get("id").intValue();

      assertThat(call(server, "GET", "/subjects", null).json.toString())
          .isEqualTo("[\"shapes value\"]");
      assertThat(call(server, "GET", "/subjects/shapes%20value/versions", null).json.toString())
          .isEqualTo("[1]");
      Response byId = call(server, "GET", "/schemas/ids/" + id, null);
      assertThat(byId.json.propertyNames()).containsExactly("schema");
      assertThat(new Schema.Parser().parse(byId.json.get("schema").asString())).isEqualTo(schema);
      assertThat(call(server, "GET", "/schemas/ids/" + id + "/versions", null).json.toString())
          .isEqualTo("[{\"subject\":\"shapes value\",\"version\":1}]");
      assertThat(call(server, "GET", "/schemas/types", null).json.toString())
          .isEqualTo("[\"AVRO\"]");

      for (String version : List.of("1", "latest", "-1")) {
        Response v = call(server, "GET", "/subjects/shapes%20value/versions/" + version, null);
        assertThat(v.status).isEqualTo(200);
        assertThat(v.json.get("subject").asString()).isEqualTo("shapes value");
        assertThat(v.json.get("version").intValue()).isEqualTo(1);
        assertThat(v.json.get("id").intValue()).isEqualTo(id);
        assertThat(v.json.get("schema").asString()).isEqualTo(schema.toString());
      }
      Response lookup = call(server, "POST", "/subjects/shapes%20value", schemaBody(schema));
      assertThat(lookup.status).isEqualTo(200);
      assertThat(lookup.json.get("id").intValue()).isEqualTo(id);
      assertThat(lookup.json.get("version").intValue()).isEqualTo(1);

      assertError(call(server, "GET", "/subjects/nope/versions", null), 404, 40401);
      assertError(call(server, "GET", "/subjects/nope/versions/1", null), 404, 40401);
      assertError(call(server, "POST", "/subjects/nope", schemaBody(schema)), 404, 40401);
      assertError(
          call(server, "POST", "/subjects/shapes%20value", schemaBody(record("Other"))),
          404,
          40403);
      assertError(call(server, "GET", "/subjects/shapes%20value/versions/7", null), 404, 40402);
      assertError(call(server, "GET", "/subjects/shapes%20value/versions/0", null), 422, 42202);
      assertError(call(server, "GET", "/subjects/shapes%20value/versions/x", null), 422, 42202);
      assertError(call(server, "GET", "/schemas/ids/9999", null), 404, 40403);

      ObjectNode invalid = JSON.createObjectNode().put("schema", "{\"type\":\"recrod\"}");
      assertError(call(server, "POST", "/subjects/bad/versions", invalid), 422, 42201);
      ObjectNode protobuf =
          JSON.createObjectNode()
              .put("schema", "syntax = \"proto3\";")
              .put("schemaType", "PROTOBUF");
      assertError(call(server, "POST", "/subjects/bad/versions", protobuf), 422, 42201);
      ObjectNode explicitAvro =
          JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
      assertThat(
              call(server, "POST", "/subjects/avro/versions", explicitAvro)
                  .json
                  .get("id")
                  .intValue())
          .isEqualTo(id);
      Response malformed = callRaw(server, "POST", "/subjects/bad/versions", "{not json");
      assertThat(malformed.status).isEqualTo(400);
      assertThat(malformed.json.has("error_code")).isTrue();
      assertThat(call(server, "GET", "/subjects/bad/versions", null).status)
          .as("nothing registered by bad requests")
          .isEqualTo(404);

      Response global = call(server, "GET", "/config", null);
      assertThat(global.json.toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
      assertError(
          call(server, "PUT", "/config", JSON.createObjectNode().put("compatibility", "SIDEWAYS")),
          422,
          42203);
      Response put =
          call(
              server,
              "PUT",
              "/config/shapes%20value",
              JSON.createObjectNode().put("compatibility", "full"));
      assertThat(put.status).isEqualTo(200);
      assertThat(put.json.toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
      assertThat(call(server, "GET", "/config/shapes%20value", null).json.toString())
          .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
      assertError(call(server, "GET", "/config/avro", null), 404, 40408);
      assertThat(call(server, "GET", "/config/avro?defaultToGlobal=true", null).json.toString())
          .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
      assertThat(call(server, "DELETE", "/config/shapes%20value", null).json.toString())
          .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
      assertError(call(server, "GET", "/config/shapes%20value", null), 404, 40408);

      Response compatible =
          call(
              server,
              "POST",
              "/compatibility/subjects/shapes%20value/versions/latest?verbose=true",
              schemaBody(withRequiredField("Shape", "sides")));
      assertThat(compatible.status).isEqualTo(200);
      assertThat(compatible.json.get("is_compatible").booleanValue()).isFalse();
      assertThat(compatible.json.get("messages").isArray()).isTrue();
      assertThat(compatible.json.get("messages")).isNotEmpty();
      Response compatibleV1 =
          call(
              server,
              "POST",
              "/compatibility/subjects/shapes%20value/versions/1",
              schemaBody(record("Shape", "color")));
      assertThat(compatibleV1.json.toString()).isEqualTo("{\"is_compatible\":true}");
      assertError(
          call(server, "POST", "/compatibility/subjects/nope/versions/1", schemaBody(schema)),
          404,
          40401);

      assertError(call(server, "GET", "/nowhere", null), 404, 404);
      assertError(call(server, "DELETE", "/subjects/shapes%20value", null), 405, 405);
    }
  }

  @Test
  void idsAreStableAcrossARestart() {
    String topic = uniqueTopic();
    Map<Schema, Integer> ids = new HashMap<>();
    try (SchemaRegistryServer server = newServer(topic)) {
      server.start();
      var client = new HttpSchemaRegistryClient(server.url());
      client.setCompatibility("restart-value", CompatibilityLevel.FORWARD);
      for (String extra : List.of("a", "b", "c")) {
        Schema schema = record("Restart", extra);
        ids.put(schema, client.register("restart-value", schema));
      }
      ids.put(record("Elsewhere"), client.register("elsewhere-value", record("Elsewhere")));
    }
    try (SchemaRegistryServer restarted = newServer(topic)) {
      restarted.start();
      var client = new HttpSchemaRegistryClient(restarted.url());
      ids.forEach((schema, id) -> assertThat(client.schemaById(id)).isEqualTo(schema));
      assertThat(client.versions("restart-value")).containsExactly(1, 2, 3);
      assertThat(client.latest("restart-value").id()).isEqualTo(ids.get(record("Restart", "c")));
      assertThat(client.compatibility("restart-value")).isEqualTo(CompatibilityLevel.FORWARD);
      // The next new schema gets an id no earlier schema has.
      int next = client.register("fresh-value", record("Fresh"));
      assertThat(ids.values()).doesNotContain(next);
    }
  }

  @Test
  void twoInstancesRegisteringConcurrentlyAgreeOnEveryId() throws Exception {
    String topic = uniqueTopic();
    try (SchemaRegistryServer a = newServer(topic);
        SchemaRegistryServer b = newServer(topic)) {
      a.start();
      b.start();
      var clientA = new HttpSchemaRegistryClient(a.url());
      var clientB = new HttpSchemaRegistryClient(b.url());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Map<String, Integer>>> results = new ArrayList<>();
      try {
        for (int t = 0; t < 4; t++) {
          var client = t % 2 == 0 ? clientA : clientB;
          int thread = t;
          Callable<Map<String, Integer>> work =
              () -> {
                go.await();
                Map<String, Integer> got = new HashMap<>();
                for (int i = 0; i < 5; i++) {
                  // Threads race on one subject's versions (different schemas, all compatible),
                  // on one id (the same schema under per-thread subjects) and on new ids.
                  Schema mine = record("Shared", "t" + thread + "f" + i);
                  got.put("shared-value|" + mine, client.register("shared-value", mine));
                  Schema common = record("Common", "f" + i);
                  got.put(
                      "t" + thread + "-value|" + common,
                      client.register("t" + thread + "-value", common));
                  Schema own = record("Own" + thread + "x" + i);
                  got.put(
                      "own" + thread + i + "-value|" + own,
                      client.register("own" + thread + i + "-value", own));
                }
                return got;
              };
          results.add(pool.submit(work));
        }
        go.countDown();
        Map<String, Integer> all = new HashMap<>();
        Map<Integer, String> schemaOfId = new HashMap<>();
        for (Future<Map<String, Integer>> result : results) {
          for (Map.Entry<String, Integer> e : result.get(2, TimeUnit.MINUTES).entrySet()) {
            all.put(e.getKey(), e.getValue());
            String schemaText = e.getKey().substring(e.getKey().indexOf('|') + 1);
            String previous = schemaOfId.putIfAbsent(e.getValue(), schemaText);
            assertThat(previous)
                .as("id %s given to two schemas", e.getValue())
                .isIn(null, schemaText);
          }
        }
        // 4 * 5 shared-subject + 5 common + 4 * 5 own schemas, each with exactly one id.
        assertThat(schemaOfId).hasSize(45);
        assertThat(clientA.versions("shared-value")).hasSize(20);
        // Both instances answer the same id -> schema and subject -> versions mapping.
        var freshA = new HttpSchemaRegistryClient(a.url());
        var freshB = new HttpSchemaRegistryClient(b.url());
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  for (Map.Entry<Integer, String> e : schemaOfId.entrySet()) {
                    assertThat(freshA.schemaById(e.getKey()).toString()).isEqualTo(e.getValue());
                    assertThat(freshB.schemaById(e.getKey()).toString()).isEqualTo(e.getValue());
                  }
                  for (int v = 1; v <= 20; v++) {
                    assertThat(freshB.version("shared-value", v))
                        .isEqualTo(freshA.version("shared-value", v));
                  }
                });
        for (Map.Entry<String, Integer> e : all.entrySet()) {
          String subject = e.getKey().substring(0, e.getKey().indexOf('|'));
          Schema schema =
              new Schema.Parser().parse(e.getKey().substring(e.getKey().indexOf('|') + 1));
          assertThat(freshA.lookupId(subject, schema)).isEqualTo(e.getValue());
          assertThat(freshB.lookupId(subject, schema)).isEqualTo(e.getValue());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void readsWhatAnotherInstanceJustRegistered() {
    String topic = uniqueTopic();
    try (SchemaRegistryServer a = newServer(topic);
        SchemaRegistryServer b = newServer(topic)) {
      a.start();
      b.start();
      int id = new HttpSchemaRegistryClient(a.url()).register("x-value", record("X"));
      // No waiting: b catches up with the log before answering "not found".
      var clientB = new HttpSchemaRegistryClient(b.url());
      assertThat(clientB.schemaById(id)).isEqualTo(record("X"));
      assertThat(clientB.latest("x-value").id()).isEqualTo(id);
    }
  }

  @Test
  void usesTheSchemasTopicByDefaultAndClosesCleanly() throws Exception {
    SchemaRegistryServer server = new SchemaRegistryServer(kafka.bootstrapServers(), 0);
    try (server) {
      assertThat(server.topic()).isEqualTo(Topics.SCHEMAS);
      assertThat(server.isReady()).isFalse();
      server.start();
      assertThat(server.isReady()).isTrue();
      new HttpSchemaRegistryClient(server.url()).register("default-value", record("D"));
      assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }
    assertThat(server.isReady()).isFalse();
    var client =
        new HttpSchemaRegistryClient(
            "http://localhost:" + server.port(), Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.getMessage()).contains("unreachable");
            });
  }

  @Test
  void startFailsClearlyWhenKafkaIsUnreachable() {
    try (SchemaRegistryServer server =
        new SchemaRegistryServer("localhost:1", 0, uniqueTopic(), Duration.ofSeconds(3))) {
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Kafka");
      assertThat(server.isReady()).isFalse();
    }
  }

  private static void assertError(Response response, int status, int errorCode) {
    assertThat(response.status).as(response.json.toString()).isEqualTo(status);
    assertThat(response.contentType).isEqualTo(CONTENT_TYPE);
    assertThat(response.json.get("error_code").intValue()).isEqualTo(errorCode);
    assertThat(response.json.get("message").asString()).isNotBlank();
  }

  private static ObjectNode schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString());
  }

  private record Response(int status, String contentType, JsonNode json) {}

  private Response call(SchemaRegistryServer server, String method, String path, JsonNode body)
      throws Exception {
    return callRaw(server, method, path, body == null ? null : JSON.writeValueAsString(body));
  }

  private Response callRaw(SchemaRegistryServer server, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", CONTENT_TYPE)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        JSON.readTree(response.body()));
  }
}
