package io.regen.realtime.workers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a response from an OpenAI-compatible chat-completions API ({@code POST
 * <base>/chat/completions} with {@code "stream": true}: vLLM, llama.cpp's server, Ollama, hosted
 * providers). The prompt is the one user message; each non-empty {@code choices[0].delta.content}
 * of the server-sent events is one chunk; {@code data: [DONE]} ends the stream. At most {@code
 * maxChunks} chunks are read (also sent as {@code max_tokens}); the stream is closed after that.
 *
 * <p>Failures, as {@link GenerationException}: HTTP 429, 408 and 5xx, a connection that breaks
 * before {@code [DONE]}, no headers within the connect timeout or no data within the idle timeout
 * are retryable; other 4xx (bad key, unknown model, prompt too long) and an {@code error} event in
 * the stream are not.
 */
public final class OpenAiChatGenerator implements TextGenerator {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String DATA = "data:";
  private static final String DONE = "[DONE]";
  private static final int MAX_ERROR_BODY = 500;

  private final OpenAiSettings settings;
  private final HttpClient http;
  private final ScheduledExecutorService watchdog;

  public OpenAiChatGenerator(OpenAiSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    // One daemon timer per generator (per worker process) watches every open stream for silence.
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "openai-stream-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String model() {
    return settings.model();
  }

  @Override
  public int expectedChunks(String prompt, int maxChunks) {
    return maxChunks;
  }

  @Override
  public TextStream stream(String prompt, int maxChunks) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.chatCompletions())
            .timeout(settings.connectTimeout())
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body(prompt, maxChunks)));
    settings.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new GenerationException(
          "model server did not answer within " + settings.connectTimeout().toSeconds() + " s",
          true,
          e);
    } catch (IOException e) {
      throw new GenerationException("model server unreachable: " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GenerationException("interrupted while connecting to the model server", true, e);
    }
    int status = response.statusCode();
    if (status != 200) {
      String detail = errorBody(response.body());
      throw new GenerationException(
          "model server answered HTTP " + status + (detail.isEmpty() ? "" : ": " + detail),
          status == 429 || status == 408 || status >= 500);
    }
    return new SseTextStream(response.body(), maxChunks);
  }

  private String body(String prompt, int maxChunks) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", settings.model());
    body.put("stream", true);
    body.put("max_tokens", maxChunks);
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", prompt);
    return JSON.writeValueAsString(body);
  }

  private static String errorBody(InputStream body) {
    try (body) {
      byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
      return new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "";
    }
  }

  /** One response: reads events as the caller asks for chunks. */
  private final class SseTextStream implements TextStream {
    private final InputStream body;
    private final BufferedReader reader;
    private final int maxChunks;
    private volatile long lastDataNanos = System.nanoTime();
    private volatile boolean idleTimedOut;
    private volatile boolean closed;
    private final ScheduledFuture<?> idleCheck;
    private String next;
    private boolean ended;
    private int produced;

    SseTextStream(InputStream body, int maxChunks) {
      this.body = body;
      this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      this.maxChunks = maxChunks;
      long period = Math.max(10, settings.idleTimeout().toMillis() / 4);
      this.idleCheck =
          watchdog.scheduleAtFixedRate(this::closeIfIdle, period, period, TimeUnit.MILLISECONDS);
    }

    private void closeIfIdle() {
      if (System.nanoTime() - lastDataNanos > settings.idleTimeout().toNanos()) {
        idleTimedOut = true;
        release();
      }
    }

    @Override
    public boolean isLive() {
      return true;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !ended) {
        next = readChunk();
        if (next == null) {
          ended = true;
          close();
        }
      }
      return next != null;
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      String chunk = next;
      next = null;
      produced++;
      return chunk;
    }

    /** The next non-empty delta, or null at {@code [DONE]} or after {@code maxChunks}. */
    private String readChunk() {
      if (produced >= maxChunks) {
        return null;
      }
      StringBuilder data = new StringBuilder();
      while (true) {
        String line = readLine();
        if (line == null) {
          throw broken(
              "model server closed the stream before [DONE] after " + produced + " chunks", null);
        }
        lastDataNanos = System.nanoTime();
        if (line.startsWith(DATA)) {
          if (!data.isEmpty()) {
            data.append('\n');
          }
          data.append(line.substring(DATA.length()).stripLeading());
        } else if (line.isEmpty() && !data.isEmpty()) {
          String event = data.toString();
          data.setLength(0);
          if (DONE.equals(event.strip())) {
            return null;
          }
          String delta = delta(event);
          if (delta != null && !delta.isEmpty()) {
            return delta;
          }
        }
        // comments (":"), "event:", "id:", "retry:" and blank keep-alives carry no text
      }
    }

    private String readLine() {
      try {
        return reader.readLine();
      } catch (IOException e) {
        throw broken("model stream broke after " + produced + " chunks: " + e.getMessage(), e);
      }
    }

    /**
     * Why reading stopped: our idle timer or close() end a read the same way a broken link does.
     */
    private GenerationException broken(String message, IOException cause) {
      if (idleTimedOut) {
        return new GenerationException(
            "no data from the model server for " + settings.idleTimeout().toMillis() + " ms",
            true,
            cause);
      }
      if (closed) {
        return new GenerationException("stream closed", false, cause);
      }
      return new GenerationException(message, true, cause);
    }

    private String delta(String event) {
      JsonNode json;
      try {
        json = JSON.readTree(event);
      } catch (JacksonException e) {
        throw new GenerationException("model server sent an event that is not JSON", false, e);
      }
      JsonNode error = json.get("error");
      if (error != null && !error.isNull()) {
        String message = error.isObject() ? error.path("message").asString("") : error.asString("");
        throw new GenerationException(
            "model server reported an error: " + (message.isEmpty() ? error.toString() : message),
            false);
      }
      JsonNode content = json.path("choices").path(0).path("delta").path("content");
      return content.isString() ? content.asString() : null;
    }

    @Override
    public void close() {
      closed = true;
      release();
    }

    private void release() {
      idleCheck.cancel(false);
      try {
        body.close();
      } catch (IOException e) {
        // the connection is gone either way
      }
    }
  }
}
