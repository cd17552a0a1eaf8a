package io.regen.realtime.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.registry.RegistryLimits;
import io.regen.realtime.registry.RegistryUsers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker pool's bounded queue over real HTTP: when every worker is busy and the queue is full,
 * a request is answered 503 at once (not queued without bound), and served again once a worker is
 * free. Reads only replayed state, so no Kafka is needed.
 */
class RegistryJettyHandlerTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final ThreadPoolExecutor workers =
      new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    RegistryApi api =
        new RegistryApi(new RegistryService(new RegistryState(), null, RegistryLimits.DEFAULT));
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(
        new RegistryJettyHandler(api, RegistryUsers.NONE, RegistryLimits.DEFAULT, workers));
    server.setErrorHandler(new JsonErrorHandler());
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    server.stop();
    workers.shutdownNow();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFullQueueIsAnswered503AndServingResumesWhenAWorkerFrees() throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    workers.execute(
        () -> {
          busy.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    busy.await();
    CountDownLatch slotFreed = new CountDownLatch(1);
    workers.execute(slotFreed::countDown); // fills the one queue slot
    HttpResponse<String> refused = get("/subjects");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("\"error_code\":50301").contains("request queue full");

    release.countDown();
    // The worker has taken the filler out of the queue once it runs: the slot is free from then on
    // (asking before that could still find the queue full).
    assertThat(slotFreed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(get("/subjects").body()).isEqualTo("[]");
  }

  @Test
  void whatJettyRefusesItselfIsAnsweredInConfluentsShape() throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              ("GET /subjects/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(
              socket.getInputStream().readNBytes(400), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer).contains("\"error_code\":400");
    }
  }
}
