package io.regen.realtime.workers;

import io.regen.realtime.sdk.JobRequestHandler;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the reference workers. The platform calls {@link #start(String, WorkerSettings)}; a model
 * integration passes its own {@link TextGenerator} to {@link #startModel}.
 *
 * <pre>{@code
 * try (RunningWorker worker = ReferenceWorkers.start("model",
 *     WorkerSettings.of("localhost:9092", registry, "model-1"))) {
 *   ... // consumes jobs.requests.v1 (group regen-workers-model) until closed
 * }
 * }</pre>
 */
public final class ReferenceWorkers {
  /** The job types there are reference workers for. */
  public static final Set<String> TYPES = Set.of(ModelWorker.TYPE, ResearchWorker.TYPE);

  /** How long closing a worker waits for running jobs before cancelling them. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private ReferenceWorkers() {}

  /**
   * Starts the worker for {@code type} with the deterministic stand-ins for a model and a search
   * backend.
   *
   * @throws IllegalArgumentException for a type other than {@code model} or {@code research}
   */
  public static RunningWorker start(String type, WorkerSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (ModelWorker.TYPE.equals(type)) {
      return startModel(settings, new DeterministicTextGenerator());
    }
    if (ResearchWorker.TYPE.equals(type)) {
      return startResearch(settings, new DeterministicResearchSource());
    }
    throw new IllegalArgumentException(
        "Unknown worker type '" + type + "'; known types: " + String.join(", ", TYPES));
  }

  /**
   * Like {@link #start(String, WorkerSettings)}, except that a {@code model} worker streams from
   * the OpenAI-compatible API of {@code openAi} when present, unpaced (the model sets the rate).
   */
  public static RunningWorker start(
      String type, WorkerSettings settings, Optional<OpenAiSettings> openAi) {
    if (streamsFromOpenAi(type, openAi)) {
      return startModel(
          settings.withChunkDelay(Duration.ZERO), new OpenAiChatGenerator(openAi.get()));
    }
    return start(type, settings);
  }

  /**
   * Whether {@link #start(String, WorkerSettings, Optional)} streams from an OpenAI-compatible API.
   */
  public static boolean streamsFromOpenAi(String type, Optional<OpenAiSettings> openAi) {
    return ModelWorker.TYPE.equals(type) && openAi.isPresent();
  }

  /** Starts a {@code model} worker streaming from {@code generator}. */
  public static RunningWorker startModel(WorkerSettings settings, TextGenerator generator) {
    return run(ModelWorker.TYPE, settings, new ModelWorker(generator, settings.chunkDelay()));
  }

  /** Starts a {@code research} worker searching {@code source}. */
  public static RunningWorker startResearch(WorkerSettings settings, ResearchSource source) {
    return run(ResearchWorker.TYPE, settings, new ResearchWorker(source, settings.chunkDelay()));
  }

  private static RunningWorker run(
      String type, WorkerSettings settings, JobRequestHandler handler) {
    RegenWorkerClient client =
        RegenWorkerClient.builder()
            .bootstrapServers(settings.bootstrapServers())
            .schemaRegistry(settings.schemaRegistry())
            .workerId(settings.workerId())
            .concurrency(settings.concurrency())
            .drainTimeout(DRAIN_TIMEOUT)
            .build();
    try {
      RequestLoop loop = client.handleRequests(type, handler);
      return new RunningWorker(type, settings.workerId(), client, loop);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }
}
