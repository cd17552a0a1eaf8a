package io.regen.realtime.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against a secured registry: Basic credentials on every request (from the
 * environment, explicit settings or the URL) and TLS with a private trust store, over a real HTTPS
 * socket with a certificate made by {@code keytool} for this test.
 */
class RegistryClientSettingsTest {
  private static final String PASSWORD = "changeit";
  private static final Schema SCHEMA =
      new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}");

  @TempDir static Path dir;
  private static HttpsServer server;
  private static final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startHttpsRegistry() throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        "registry",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        dir.resolve("server.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "registry",
        "-keystore",
        dir.resolve("server.p12").toString(),
        "-storepass",
        PASSWORD,
        "-file",
        dir.resolve("server.pem").toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "registry",
        "-file",
        dir.resolve("server.pem").toString(),
        "-keystore",
        dir.resolve("trust.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext(
        "/",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "" : auth);
          byte[] body =
              ("{\"schema\":" + quote(SCHEMA.toString()) + "}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static String url() {
    return "https://localhost:" + server.getAddress().getPort();
  }

  @Test
  void speaksTlsWithTheConfiguredTrustStoreAndSendsTheCredential() {
    RegistryClientSettings settings =
        RegistryClientSettings.fromEnvironment(
            Map.of(
                RegistryClientSettings.BASIC_AUTH_USER_INFO,
                "svc:s3cret",
                RegistryClientSettings.TRUSTSTORE_LOCATION,
                dir.resolve("trust.p12").toString(),
                RegistryClientSettings.TRUSTSTORE_PASSWORD,
                PASSWORD));
    authorizations.clear();
    assertThat(new HttpSchemaRegistryClient(url(), settings).schemaById(1)).isEqualTo(SCHEMA);
    assertThat(authorizations).containsExactly("Basic c3ZjOnMzY3JldA==");
  }

  @Test
  void credentialsInTheUrlAreUsedAndKeptOutOfItsBaseUrl() {
    RegistryClientSettings trust =
        RegistryClientSettings.fromEnvironment(
            Map.of(
                RegistryClientSettings.TRUSTSTORE_LOCATION,
                dir.resolve("trust.p12").toString(),
                RegistryClientSettings.TRUSTSTORE_PASSWORD,
                PASSWORD));
    authorizations.clear();
    var client =
        new HttpSchemaRegistryClient(url().replace("https://", "https://svc:s3cret@"), trust);
    assertThat(client.baseUrl()).isEqualTo(url());
    assertThat(client.schemaById(2)).isEqualTo(SCHEMA);
    assertThat(authorizations).containsExactly("Basic c3ZjOnMzY3JldA==");
  }

  @Test
  void anUntrustedCertificateIsRefused() {
    var client = new HttpSchemaRegistryClient(url(), RegistryClientSettings.DEFAULT);
    assertThatThrownBy(() -> client.schemaById(3))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("unreachable");
  }

  @Test
  void unusableSettingsFailNamingTheVariable() {
    assertThatThrownBy(
            () ->
                RegistryClientSettings.fromEnvironment(
                    Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO, "no-colon")))
        .hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
        .hasMessageNotContaining("no-colon");
    assertThatThrownBy(
            () ->
                RegistryClientSettings.fromEnvironment(
                    Map.of(
                        RegistryClientSettings.TRUSTSTORE_LOCATION,
                        dir.resolve("missing.p12").toString())))
        .hasMessageContaining("SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION");
    assertThatThrownBy(
            () ->
                RegistryClientSettings.fromEnvironment(
                    Map.of(
                        RegistryClientSettings.TRUSTSTORE_LOCATION,
                        dir.resolve("trust.p12").toString(),
                        RegistryClientSettings.TRUSTSTORE_PASSWORD,
                        "wrong")))
        .hasMessageContaining("SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION");
    assertThat(RegistryClientSettings.fromEnvironment(Map.of()).basicAuthUserInfo()).isEmpty();
    assertThat(RegistryClientSettings.DEFAULT.withBasicAuth(Optional.of("a:b")).basicAuthUserInfo())
        .hasValue("a:b");
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
