package io.regen.realtime.workers;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the {@code model} worker's {@link OpenAiChatGenerator} streams from, configured the way
 * OpenAI's own SDKs are.
 *
 * @param baseUrl the API base, e.g. {@code http://localhost:8000/v1} (vLLM), {@code
 *     http://localhost:11434/v1} (Ollama); {@code /chat/completions} is appended
 * @param apiKey sent as {@code Authorization: Bearer}; empty for servers that need none
 * @param model the {@code model} of the request and of the {@code model:chunk:v1} events
 * @param connectTimeout until the server answered with its status line and headers
 * @param idleTimeout longest silence on an open stream before the job fails (retryable)
 */
public record OpenAiSettings(
    URI baseUrl,
    Optional<String> apiKey,
    String model,
    Duration connectTimeout,
    Duration idleTimeout) {
  public static final String OPENAI_BASE_URL = "OPENAI_BASE_URL";
  public static final String OPENAI_API_KEY = "OPENAI_API_KEY";
  public static final String REGEN_MODEL = "REGEN_MODEL";

  /** The model name when {@code REGEN_MODEL} is unset. */
  public static final String DEFAULT_MODEL = "gpt-4o-mini";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  public OpenAiSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          OPENAI_BASE_URL
              + " must be an http(s) URL like http://localhost:8000/v1, got '"
              + baseUrl
              + "'");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(REGEN_MODEL + " must not be blank");
    }
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || idleTimeout.isNegative()
        || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /**
   * The settings from {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY} and {@code REGEN_MODEL};
   * empty when no base URL is set (the deterministic generator stays the default).
   *
   * @param env a variable's value, empty when unset or blank
   * @throws IllegalArgumentException for a base URL that is not an http(s) URL
   */
  public static Optional<OpenAiSettings> fromEnvironment(Function<String, Optional<String>> env) {
    return env.apply(OPENAI_BASE_URL)
        .map(
            url -> {
              URI uri;
              try {
                uri = URI.create(url.trim());
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    OPENAI_BASE_URL + " is not a URL: '" + url + "'", e);
              }
              return new OpenAiSettings(
                  uri,
                  env.apply(OPENAI_API_KEY),
                  env.apply(REGEN_MODEL).orElse(DEFAULT_MODEL),
                  DEFAULT_CONNECT_TIMEOUT,
                  DEFAULT_IDLE_TIMEOUT);
            });
  }

  public OpenAiSettings withTimeouts(Duration connectTimeout, Duration idleTimeout) {
    return new OpenAiSettings(baseUrl, apiKey, model, connectTimeout, idleTimeout);
  }

  /** {@code <baseUrl>/chat/completions}. */
  URI chatCompletions() {
    String base = baseUrl.toString();
    return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
  }

  @Override
  public String toString() {
    // never print the key
    return "OpenAiSettings["
        + chatCompletions()
        + ", model "
        + model
        + (apiKey.isPresent() ? ", with API key]" : "]");
  }
}
