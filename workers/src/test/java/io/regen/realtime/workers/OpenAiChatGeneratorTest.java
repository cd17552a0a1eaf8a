package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OpenAI-compatible adapter against a scripted server on a real socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAiChatGeneratorTest {
  private SseModelServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private OpenAiChatGenerator generator(Duration idleTimeout) {
    return new OpenAiChatGenerator(
        new OpenAiSettings(
            server.baseUrl(),
            Optional.of("sk-test"),
            "test-model",
            Duration.ofSeconds(5),
            idleTimeout));
  }

  private static List<String> all(TextStream stream) {
    List<String> chunks = new ArrayList<>();
    try (stream) {
      stream.forEachRemaining(chunks::add);
    }
    return chunks;
  }

  @Test
  void streamsEachDeltaAsAChunkUntilDone() throws Exception {
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              response.chunk(": keep-alive comment\n\n");
              // the first delta of many servers carries only the role
              response.event("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}");
              response.delta("Hello");
              response.event(
                  "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\", \\\"world\\\"\"}}]}");
              response.event("[DONE]");
              response.end();
            });
    List<String> chunks = all(generator(Duration.ofSeconds(5)).stream("say hello", 64));

    assertThat(chunks).containsExactly("Hello", ", \"world\"");
    SseModelServer.Request request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/chat/completions");
    assertThat(request.headers()).containsEntry("authorization", "Bearer sk-test");
    assertThat(request.body())
        .isEqualTo(
            "{\"model\":\"test-model\",\"stream\":true,\"max_tokens\":64,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"say hello\"}]}");
  }

  @Test
  void aSlowStreamWithinTheIdleTimeoutCompletes() throws Exception {
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              for (int i = 0; i < 4; i++) {
                Thread.sleep(300); // a slow model: 300 ms per token, idle timeout 2 s
                response.delta("w" + i + " ");
              }
              response.event("[DONE]");
              response.end();
            });
    assertThat(all(generator(Duration.ofSeconds(2)).stream("slow", 64)))
        .containsExactly("w0 ", "w1 ", "w2 ", "w3 ");
  }

  @Test
  void stopsReadingAfterMaxChunksAndClosesTheUpstream() throws Exception {
    server = new SseModelServer(SseModelServer.endless(5, new CountDownLatch(1)));
    assertThat(all(generator(Duration.ofSeconds(5)).stream("long", 3)))
        .containsExactly("t0 ", "t1 ", "t2 ");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.clientsGone() == 1);
  }

  @Test
  void closingFromAnotherThreadStopsABlockedReadAndTheUpstream() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              response.delta("only ");
              first.countDown();
              // then silence: the reader blocks until the stream is closed
              while (true) {
                Thread.sleep(50);
                response.chunk(": ping\n\n");
              }
            });
    TextStream stream = generator(Duration.ofSeconds(30)).stream("x", 64);
    assertThat(stream.next()).isEqualTo("only ");
    Thread closer =
        new Thread(
            () -> {
              try {
                first.await();
                stream.close();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    closer.start();
    assertThatThrownBy(stream::hasNext)
        .isInstanceOf(GenerationException.class)
        .hasMessage("stream closed");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.clientsGone() == 1);
  }

  @Test
  void aConnectionCutMidStreamIsRetryable() throws Exception {
    CountDownLatch firstRead = new CountDownLatch(1);
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              response.delta("part ");
              firstRead.await();
              response.cut();
            });
    TextStream stream = generator(Duration.ofSeconds(5)).stream("x", 64);
    assertThat(stream.next()).isEqualTo("part ");
    firstRead.countDown();
    assertThatThrownBy(stream::hasNext)
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageStartingWith("model stream broke after 1 chunks");
  }

  @Test
  void aStreamEndingWithoutDoneIsRetryable() throws Exception {
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              response.delta("half ");
              response.end();
            });
    TextStream stream = generator(Duration.ofSeconds(5)).stream("x", 64);
    assertThat(stream.next()).isEqualTo("half ");
    assertThatThrownBy(stream::hasNext)
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessage("model server closed the stream before [DONE] after 1 chunks");
  }

  @Test
  void silenceLongerThanTheIdleTimeoutIsRetryable() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              response.delta("stalled ");
              released.await(); // a model that hangs after one token
            });
    TextStream stream = generator(Duration.ofMillis(400)).stream("x", 64);
    try {
      assertThat(stream.next()).isEqualTo("stalled ");
      assertThatThrownBy(stream::hasNext)
          .isInstanceOfSatisfying(
              GenerationException.class, e -> assertThat(e.isRetryable()).isTrue())
          .hasMessage("no data from the model server for 400 ms");
    } finally {
      released.countDown();
    }
  }

  @Test
  void http429IsRetryableWithTheServersMessage() throws Exception {
    server =
        new SseModelServer(
            (request, response) ->
                response.status(429, "{\"error\":{\"message\":\"Rate limit reached\"}}"));
    assertThatThrownBy(() -> generator(Duration.ofSeconds(5)).stream("x", 64))
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessage(
            "model server answered HTTP 429: {\"error\":{\"message\":\"Rate limit reached\"}}");
  }

  @Test
  void http5xxIsRetryableAndOther4xxAreNot() throws Exception {
    server = new SseModelServer((request, response) -> response.status(503, "{}"));
    assertThatThrownBy(() -> generator(Duration.ofSeconds(5)).stream("x", 64))
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.isRetryable()).isTrue());
    for (int status : new int[] {400, 401, 404}) {
      server.script((request, response) -> response.status(status, "{\"error\":\"no\"}"));
      assertThatThrownBy(() -> generator(Duration.ofSeconds(5)).stream("x", 64))
          .isInstanceOfSatisfying(
              GenerationException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageStartingWith("model server answered HTTP " + status);
    }
  }

  @Test
  void anErrorEventInTheStreamIsNotRetryable() throws Exception {
    server =
        new SseModelServer(
            (request, response) -> {
              response.startStream();
              response.event("{\"error\":{\"message\":\"context length exceeded\"}}");
              response.end();
            });
    TextStream stream = generator(Duration.ofSeconds(5)).stream("x", 64);
    assertThatThrownBy(stream::hasNext)
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.isRetryable()).isFalse())
        .hasMessage("model server reported an error: context length exceeded");
  }

  @Test
  void anUnreachableServerIsRetryable() throws Exception {
    server = new SseModelServer((request, response) -> {});
    URI url = server.baseUrl();
    server.close();
    OpenAiChatGenerator generator =
        new OpenAiChatGenerator(
            new OpenAiSettings(
                url, Optional.empty(), "m", Duration.ofSeconds(2), Duration.ofSeconds(2)));
    assertThatThrownBy(() -> generator.stream("x", 1))
        .isInstanceOfSatisfying(
            GenerationException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageStartingWith("model server unreachable");
  }

  @Test
  void settingsComeFromTheOpenAiVariablesAndAreAbsentWithoutABaseUrl() {
    assertThat(OpenAiSettings.fromEnvironment(name -> Optional.empty())).isEmpty();
    Map<String, String> env =
        Map.of(
            "OPENAI_BASE_URL", "http://localhost:8000/v1/",
            "OPENAI_API_KEY", "sk-secret",
            "REGEN_MODEL", "llama-3.1-8b");
    OpenAiSettings settings =
        OpenAiSettings.fromEnvironment(name -> Optional.ofNullable(env.get(name))).orElseThrow();
    assertThat(settings.chatCompletions())
        .isEqualTo(URI.create("http://localhost:8000/v1/chat/completions"));
    assertThat(settings.apiKey()).contains("sk-secret");
    assertThat(settings.model()).isEqualTo("llama-3.1-8b");
    assertThat(settings.toString()).doesNotContain("sk-secret");
    assertThat(
            OpenAiSettings.fromEnvironment(
                    name ->
                        name.equals("OPENAI_BASE_URL")
                            ? Optional.of("http://vllm:8000/v1")
                            : Optional.empty())
                .orElseThrow()
                .model())
        .isEqualTo(OpenAiSettings.DEFAULT_MODEL);
    assertThatThrownBy(
            () ->
                OpenAiSettings.fromEnvironment(
                    name ->
                        name.equals("OPENAI_BASE_URL")
                            ? Optional.of("localhost:8000")
                            : Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "OPENAI_BASE_URL must be an http(s) URL like http://localhost:8000/v1, got 'localhost:8000'");
  }
}
