package io.regen.realtime.workers;

import io.regen.realtime.sdk.JobContext;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.JobRequestHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code model} worker: streams a generated response as {@code model:chunk:v1} events, one per
 * {@code chunkDelay}, with {@code job:progress:v1} about every 10% and {@code job:completed:v1} at
 * the end. The last chunk has {@code final=true}; for a {@linkplain TextStream#isLive() live}
 * stream that is an extra empty chunk after the model's last one, so no chunk waits for the next.
 *
 * <p>Input: {@code prompt} (the text to respond to), {@code chunks} (at most this many chunks,
 * 1–10000, default 64), {@code fail=true} (fail half-way with {@code REQUESTED_FAILURE}, for trying
 * out failure handling). A {@link GenerationException} from the generator ends the job with {@code
 * GENERATION_FAILED}; a CANCEL request closes the generator's stream at once (an upstream model
 * connection is closed, not drained) and the SDK ends the job with {@code job:cancelled:v1}.
 */
public final class ModelWorker implements JobRequestHandler {
  public static final String TYPE = "model";
  public static final String INPUT_PROMPT = "prompt";
  public static final String INPUT_MAX_CHUNKS = "chunks";
  public static final String INPUT_FAIL = "fail";
  static final int DEFAULT_MAX_CHUNKS = 64;
  static final int LIMIT_MAX_CHUNKS = 10_000;

  private final TextGenerator generator;
  private final Duration chunkDelay;

  public ModelWorker(TextGenerator generator, Duration chunkDelay) {
    this.generator = Objects.requireNonNull(generator, "generator");
    this.chunkDelay = Objects.requireNonNull(chunkDelay, "chunkDelay");
  }

  @Override
  public void handle(JobContext context) throws InterruptedException {
    JobHandle job = context.job();
    InputParameters input = new InputParameters(context.request().getInput());
    String prompt = input.text(INPUT_PROMPT, "");
    int maxChunks;
    try {
      maxChunks = input.integer(INPUT_MAX_CHUNKS, DEFAULT_MAX_CHUNKS, 1, LIMIT_MAX_CHUNKS);
    } catch (IllegalArgumentException e) {
      job.fail("INVALID_INPUT", e.getMessage(), false);
      return;
    }
    boolean failOnRequest = input.flag(INPUT_FAIL);
    String model = generator.model();
    int expected = Math.max(1, generator.expectedChunks(prompt, maxChunks));
    job.progress(0, "generating with " + model);
    Generated done;
    try (TextStream chunks = generator.stream(prompt, maxChunks)) {
      context.onCancel(chunks::close);
      done = publish(context, job, chunks, model, expected, failOnRequest);
    } catch (GenerationException e) {
      if (!context.isCancelled()) {
        job.fail("GENERATION_FAILED", e.getMessage(), e.isRetryable());
      }
      return;
    }
    if (done == null || context.isCancelled()) {
      return; // ended early, or the stream was closed by the cancellation, not finished
    }
    job.complete(done.chunks() + " chunks, " + done.characters() + " characters from " + model);
  }

  /** What a finished stream published. */
  private record Generated(int chunks, long characters) {}

  /** Publishes the stream's chunks with progress; null when the job ended early. */
  private Generated publish(
      JobContext context,
      JobHandle job,
      TextStream chunks,
      String model,
      int expected,
      boolean failOnRequest)
      throws InterruptedException {
    int index = 0;
    long characters = 0;
    int reportedPercent = 0;
    boolean live = chunks.isLive();
    while (chunks.hasNext()) {
      if (context.awaitCancellation(chunkDelay)) {
        return null;
      }
      if (failOnRequest && index >= expected / 2) {
        job.fail("REQUESTED_FAILURE", "the request asked the worker to fail (fail=true)", false);
        return null;
      }
      String text = chunks.next();
      // A live stream's end is known only by waiting for it: publish now, mark the end later.
      boolean last = !live && !chunks.hasNext();
      job.modelChunk(model, index, text, last);
      index++;
      characters += text.length();
      int percent = last ? 100 : Math.min(99, index * 100 / expected);
      if (percent >= reportedPercent + 10 || last) {
        job.progress(percent, index + " of about " + expected + " chunks");
        reportedPercent = percent;
      }
    }
    if (live && !context.isCancelled()) {
      job.modelChunk(model, index, "", true);
      job.progress(100, index + " chunks");
    }
    return new Generated(index, characters);
  }
}
