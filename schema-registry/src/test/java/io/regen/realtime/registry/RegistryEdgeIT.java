package io.regen.realtime.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.regen.realtime.schemas.registry.HttpSchemaRegistryClient;
import io.regen.realtime.schemas.registry.RegistryClientSettings;
import io.regen.realtime.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's edge under attack (issue 10, items 1 and 2, and the registry part of the fuzz
 * suite): every attempt is refused with a clear 4xx/503 in Confluent's error shape while the
 * registry keeps answering everyone else.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RegistryEdgeIT {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final RegistryUsers USERS =
      RegistryUsers.parse(
          "# Confluent's password-file format\n"
              + "reader: r-secret,read\n"
              + "writer: w-secret,write\n"
              + "admin: a-secret,admin\n");
  private static final int FOUR_MIB = 4 * 1024 * 1024;
  private static EmbeddedKafka kafka;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<SchemaRegistryServer> servers = new ArrayList<>();

  @BeforeAll
  static void startKafka() {
    kafka = new EmbeddedKafka();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @AfterEach
  void closeServers() {
    servers.forEach(SchemaRegistryServer::close);
  }

  private SchemaRegistryServer start(RegistryServerOptions options) {
    SchemaRegistryServer server =
        new SchemaRegistryServer(
            kafka.bootstrapServers(),
            options
                .withTopic("_schemas-" + UUID.randomUUID())
                .withStartTimeout(Duration.ofSeconds(30)));
    servers.add(server);
    server.start();
    return server;
  }

  private SchemaRegistryServer start(RegistryLimits limits) {
    return start(RegistryServerOptions.loopback(0).withLimits(limits));
  }

  record Reply(int status, JsonNode json, HttpResponse<String> raw) {}

  private Reply call(
      SchemaRegistryServer server, String method, String path, String body, String auth)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), JSON.readTree(response.body()), response);
  }

  private static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  private static String record(String name) {
    return TestSchemas.record(name).toString();
  }

  private static void assertError(Reply reply, int status, int errorCode) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(status);
    assertThat(reply.json().get("error_code").intValue()).isEqualTo(errorCode);
    assertThat(reply.json().get("message").asString()).isNotBlank();
  }

  private static void assertError(RawHttp.Answer answer, int status, int errorCode) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(JSON.readTree(answer.body()).get("error_code").intValue()).isEqualTo(errorCode);
  }

  @Test
  void writesNeedTheirCredentialAndRefusalsHaveConfluentsShape() throws Exception {
    SchemaRegistryServer server = start(RegistryServerOptions.loopback(0).withUsers(USERS));
    String reader = RawHttp.basic("reader", "r-secret");
    String writer = RawHttp.basic("writer", "w-secret");
    String admin = RawHttp.basic("admin", "a-secret");
    String none = "{\"compatibility\":\"NONE\"}";

    Reply anonymous = call(server, "PUT", "/config", none, null);
    assertError(anonymous, 401, 401);
    assertThat(anonymous.raw().headers().firstValue("WWW-Authenticate"))
        .hasValue("Basic realm=\"SchemaRegistry\"");
    assertError(call(server, "PUT", "/config", none, RawHttp.basic("admin", "wrong")), 401, 401);
    assertError(call(server, "PUT", "/config", none, "Bearer abc"), 401, 401);
    assertError(call(server, "PUT", "/config", none, "Basic %%%"), 401, 401);
    Reply readerPut = call(server, "PUT", "/config", none, reader);
    assertError(readerPut, 403, 40301);
    assertThat(readerPut.json().get("message").asString())
        .isEqualTo("User is denied operation AlterConfigs on the registry");
    assertError(call(server, "PUT", "/config", none, writer), 403, 40301);
    assertThat(call(server, "GET", "/config", null, reader).json().toString())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

    Reply readerRegister =
        call(server, "POST", "/subjects/orders-value/versions", schemaBody(record("O")), reader);
    assertError(readerRegister, 403, 40301);
    assertThat(readerRegister.json().get("message").asString())
        .isEqualTo("User is denied operation Write on subjects: orders-value");
    assertError(call(server, "GET", "/subjects", null, null), 401, 401);
    assertThat(call(server, "GET", "/subjects", null, reader).json().toString()).isEqualTo("[]");

    Reply registered =
        call(server, "POST", "/subjects/orders-value/versions", schemaBody(record("O")), writer);
    assertThat(registered.status()).isEqualTo(200);
    int id = registered.json().get("id").intValue();
    assertThat(call(server, "GET", "/schemas/ids/" + id, null, reader).status()).isEqualTo(200);
    assertThat(
            call(server, "POST", "/subjects/orders-value", schemaBody(record("O")), reader)
                .status())
        .as("a lookup only reads")
        .isEqualTo(200);
    assertThat(call(server, "PUT", "/config/orders-value", none, admin).status()).isEqualTo(200);
    assertThat(call(server, "GET", "/config/orders-value", null, reader).json().toString())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
  }

  @Test
  void aRefusedWriteWhoseBodyIsNotReadClosesTheConnectionAndSaysSo() throws Exception {
    SchemaRegistryServer server = start(RegistryServerOptions.loopback(0).withUsers(USERS));
    try (RawHttp refusedWrite = new RawHttp(server.port())) {
      RawHttp.Answer answer =
          refusedWrite.head("PUT", "/config", "Content-Length: 25\r\n").answer();
      assertError(answer, 401, 401);
      assertThat(answer.headers().toLowerCase(Locale.ROOT)).contains("connection: close");
    }
    try (RawHttp refusedRead = new RawHttp(server.port())) {
      RawHttp.Answer first = refusedRead.head("GET", "/subjects", "").answer();
      assertError(first, 401, 401);
      assertThat(first.headers().toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
      RawHttp.Answer second =
          refusedRead
              .head(
                  "GET",
                  "/subjects",
                  "Authorization: " + RawHttp.basic("reader", "r-secret") + "\r\n")
              .answer();
      assertThat(second.status()).as("the same connection answers again").isEqualTo(200);
    }
  }

  @Test
  void theClientSpeaksBasicAuthFromSettingsOrTheUrl() {
    SchemaRegistryServer server = start(RegistryServerOptions.loopback(0).withUsers(USERS));
    var writer =
        new HttpSchemaRegistryClient(
            server.url(),
            RegistryClientSettings.DEFAULT.withBasicAuth(Optional.of("writer:w-secret")));
    int id = writer.register("client-value", TestSchemas.record("C"));
    var fromUrl =
        new HttpSchemaRegistryClient(
            server.url().replace("http://", "http://reader:r-secret@"),
            RegistryClientSettings.DEFAULT);
    assertThat(fromUrl.baseUrl()).isEqualTo(server.url());
    assertThat(fromUrl.schemaById(id)).isEqualTo(TestSchemas.record("C"));
    assertThatThrownBy(() -> fromUrl.register("client-value", TestSchemas.record("D")))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(403);
              assertThat(e.errorCode()).isEqualTo(40301);
            });
    var anonymous = new HttpSchemaRegistryClient(server.url(), RegistryClientSettings.DEFAULT);
    assertThatThrownBy(() -> anonymous.schemaById(id))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(401);
              assertThat(e.getMessage())
                  .contains("requires credentials: set SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO");
            });
    var wrong =
        new HttpSchemaRegistryClient(
            server.url(), RegistryClientSettings.DEFAULT.withBasicAuth(Optional.of("writer:x")));
    assertThatThrownBy(() -> wrong.latest("client-value"))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("refused the credentials")
        .hasMessageNotContaining("writer:x");
  }

  @Test
  void capsOnSubjectsVersionsAndSchemaSize() throws Exception {
    SchemaRegistryServer server =
        start(
            RegistryLimits.DEFAULT
                .withMaxSubjects(2)
                .withMaxVersionsPerSubject(2)
                .withMaxSchemaBytes(2_000));
    String a = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}";
    String a2 =
        "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\","
            + "\"default\":0}]}";
    String a3 =
        "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\","
            + "\"default\":0},{\"name\":\"y\",\"type\":\"int\",\"default\":0}]}";
    assertThat(call(server, "POST", "/subjects/s1/versions", schemaBody(a), null).status())
        .isEqualTo(200);
    assertThat(call(server, "POST", "/subjects/s2/versions", schemaBody(a), null).status())
        .isEqualTo(200);
    Reply third = call(server, "POST", "/subjects/s3/versions", schemaBody(a), null);
    assertError(third, 422, 42205);
    assertThat(third.json().get("message").asString()).contains("at most 2 subjects");

    assertThat(call(server, "POST", "/subjects/s1/versions", schemaBody(a2), null).status())
        .isEqualTo(200);
    Reply tooMany = call(server, "POST", "/subjects/s1/versions", schemaBody(a3), null);
    assertError(tooMany, 422, 42205);
    assertThat(tooMany.json().get("message").asString()).contains("already has 2 versions");
    assertThat(call(server, "POST", "/subjects/s1/versions", schemaBody(a2), null).status())
        .as("re-registering an existing version is not a new one")
        .isEqualTo(200);

    StringBuilder big = new StringBuilder("{\"type\":\"record\",\"name\":\"Big\",\"doc\":\"");
    big.append("x".repeat(2_000)).append("\",\"fields\":[]}");
    Reply oversized =
        call(server, "POST", "/subjects/s2/versions", schemaBody(big.toString()), null);
    assertError(oversized, 422, 42201);
    assertThat(oversized.json().get("message").asString()).contains("limit of 2000");
    assertThat(call(server, "GET", "/subjects", null, null).json().toString())
        .isEqualTo("[\"s1\",\"s2\"]");
  }

  @Test
  void anOversizedBodyIsRefusedBeforeItIsReadAndAChunkedOneIsCutOff() throws Exception {
    SchemaRegistryServer server = start(RegistryLimits.DEFAULT);
    try (RawHttp declared = new RawHttp(server.port())) {
      // Only the headers are sent: the answer must come without the 4 MiB + 1 body.
      RawHttp.Answer answer =
          declared
              .head("POST", "/subjects/big/versions", "Content-Length: " + (FOUR_MIB + 1) + "\r\n")
              .answer();
      assertError(answer, 413, 413);
      assertThat(answer.headers().toLowerCase()).contains("connection: close");
      assertThat(declared.closedByServer()).isTrue();
    }
    try (RawHttp chunked = new RawHttp(server.port())) {
      chunked.head("POST", "/subjects/big/versions", "Transfer-Encoding: chunked\r\n");
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      String size = Integer.toHexString(chunk.length) + "\r\n";
      RawHttp.Answer answer = null;
      try {
        for (int sent = 0; sent <= FOUR_MIB; sent += chunk.length) {
          chunked.send(size.getBytes(StandardCharsets.US_ASCII)).send(chunk);
          chunked.send("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.send("1\r\n \r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException closedWhileSending) {
        // The server answered and closed while we were still sending: read what it said.
      }
      answer = chunked.answer();
      assertError(answer, 413, 413);
    }
    assertThat(call(server, "GET", "/subjects", null, null).status()).isEqualTo(200);
  }

  @Test
  void trickledUploadsAreCutOffAtTheDeadlineAndNeverStallLookups() throws Exception {
    SchemaRegistryServer server =
        start(
            RegistryLimits.DEFAULT
                .withBodyDeadline(Duration.ofSeconds(8))
                .withMaxConcurrentUploads(2));
    int id =
        call(server, "POST", "/subjects/t/versions", schemaBody(record("T")), null)
            .json()
            .get("id")
            .intValue();
    try (RawHttp slow1 = new RawHttp(server.port());
        RawHttp slow2 = new RawHttp(server.port())) {
      for (RawHttp slow : List.of(slow1, slow2)) {
        slow.head("POST", "/subjects/t/versions", "Content-Length: 1000\r\n")
            .send("{\"sch".getBytes(StandardCharsets.US_ASCII));
      }
      // Both upload slots are taken, once the server has read both requests' headers, by clients
      // that never finish: a complete upload is then refused at once, and lookups do not wait.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  call(
                              server,
                              "POST",
                              "/compatibility/subjects/t/versions/latest",
                              schemaBody(record("T")),
                              null)
                          .status()
                      == 503);
      Reply refused =
          call(
              server,
              "POST",
              "/compatibility/subjects/t/versions/latest",
              schemaBody(record("T")),
              null);
      assertError(refused, 503, 50301);
      assertThat(call(server, "GET", "/schemas/ids/" + id, null, null).status()).isEqualTo(200);
      assertThat(call(server, "GET", "/subjects/t/versions/latest", null, null).status())
          .isEqualTo(200);

      for (RawHttp slow : List.of(slow1, slow2)) {
        RawHttp.Answer answer = slow.answer();
        assertError(answer, 408, 408);
        assertThat(slow.closedByServer()).isTrue();
      }
    }
    assertThat(call(server, "POST", "/subjects/t/versions", schemaBody(record("T")), null).status())
        .as("the slots are free again")
        .isEqualTo(200);
  }

  @Test
  void malformedInputGetsAClear4xxAndNoErrorLog() throws Exception {
    SchemaRegistryServer server = start(RegistryLimits.DEFAULT);
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new TeeStream(originalErr, captured), true));
    try {
      try (RawHttp raw = new RawHttp(server.port())) {
        assertError(raw.head("GET", "/subjects/%zz/versions", "").answer(), 400, 400);
      }
      try (RawHttp raw = new RawHttp(server.port())) {
        assertError(raw.head("GET", "/subjects?deleted=%zz", "").answer(), 400, 400);
      }
      try (RawHttp raw = new RawHttp(server.port())) {
        assertThat(raw.head("GET", "/subjects/a%2Fb/versions", "").answer().status())
            .as("an encoded '/' stays inside one subject name")
            .isEqualTo(404);
      }
      assertError(call(server, "POST", "/subjects/n/versions", nested(1_000), null), 422, 42201);
      assertError(call(server, "POST", "/subjects/n/versions", "{\"schema\":", null), 400, 400);
      assertError(call(server, "POST", "/subjects/n/versions", "[1]", null), 400, 400);
      assertError(
          call(server, "POST", "/subjects/n/versions", "[".repeat(100_000), null), 400, 400);
      assertError(
          call(server, "POST", "/subjects/n/versions", "{\"schema\":\"{\\\"type\\\":1}\"}", null),
          422,
          42201);
      assertError(call(server, "GET", "/schemas/ids/99999999999", null, null), 404, 404);
      assertError(call(server, "PATCH", "/config", "{}", null), 405, 405);
      assertThat(call(server, "GET", "/subjects", null, null).status()).isEqualTo(200);
    } finally {
      System.setErr(originalErr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(" ERROR ");
  }

  @Test
  void listensOnLoopbackOnlyUnlessToldOtherwise() throws Exception {
    SchemaRegistryServer loopback = start(RegistryLimits.DEFAULT);
    // 127.0.0.2 is this machine too, but not the 127.0.0.1 interface the registry is bound to.
    assertThatThrownBy(() -> new Socket("127.0.0.2", loopback.port()).close())
        .isInstanceOf(ConnectException.class);
    SchemaRegistryServer everywhere =
        start(
            RegistryServerOptions.loopback(0)
                .withBindAddress(RegistryServerOptions.ALL_INTERFACES));
    try (Socket socket = new Socket("127.0.0.2", everywhere.port())) {
      assertThat(socket.isConnected()).isTrue();
    }
  }

  /** A schema of {@code depth} records, each the only field of the one around it. */
  private static String nested(int depth) {
    StringBuilder schema = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      schema.append("{\"type\":\"record\",\"name\":\"R").append(i).append("\",\"fields\":[");
      schema.append("{\"name\":\"f\",\"type\":");
    }
    schema.append("\"int\"");
    for (int i = 0; i < depth; i++) {
      schema.append("}]}");
    }
    return schemaBody(schema.toString());
  }

  /** Writes to the real stream and keeps a copy. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final ByteArrayOutputStream second;

    TeeStream(java.io.OutputStream first, ByteArrayOutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
