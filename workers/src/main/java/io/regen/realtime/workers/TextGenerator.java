package io.regen.realtime.workers;

/**
 * Produces a model's response as a stream of text chunks: the seam where a real model integration
 * (an inference server's streaming API) plugs into the {@link ModelWorker}.
 *
 * <p>Implementations are thread-safe (one generator serves concurrent jobs). The stream is used by
 * one job thread; its {@code hasNext()} and {@code next()} may block while the model produces the
 * next chunk and may throw {@link GenerationException}; the worker closes it when the job ends or
 * is cancelled.
 */
public interface TextGenerator {

  /** The model name written into {@code model:chunk:v1} events. */
  String model();

  /** Streams the response to {@code prompt}, at most {@code maxChunks} chunks. */
  TextStream stream(String prompt, int maxChunks);

  /** How many chunks {@link #stream} will probably produce, for progress reporting. */
  int expectedChunks(String prompt, int maxChunks);
}
