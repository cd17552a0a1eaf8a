package io.regen.realtime.query;

import io.regen.realtime.auth.JwtIssuer;
import io.regen.realtime.auth.JwtSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for the query API, with tokens signed like the platform's. */
final class Http {
  static final JwtIssuer ISSUER = new JwtIssuer(JwtSettings.hs256(QueryInstance.JWT_SECRET));
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  record Response(int status, HttpResponse<String> raw) {
    JsonNode json() {
      return JSON.readTree(raw.body());
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  static String token(String userId) {
    return ISSUER.issue(userId);
  }

  static String analystToken(String userId) {
    return ISSUER.issue(userId, List.of("analyst"), Duration.ofHours(1));
  }

  Response get(int port, String pathAndQuery, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return send(request.build());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A GET with extra headers (name, value, name, value, ...). */
  Response get(int port, String pathAndQuery, String token, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return send(request.build());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Response send(HttpRequest request) throws IOException {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
