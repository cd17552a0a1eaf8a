package io.regen.realtime.workers;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * A stand-in for a model: the same prompt always gives the same text (seeded by the prompt),
 * exactly {@code maxChunks} chunks of one to three words each, ending with a full stop. Lets the
 * whole pipeline run, and tests assert exact output, without a model server.
 */
public final class DeterministicTextGenerator implements TextGenerator {
  /** The model name of the stand-in. */
  public static final String MODEL = "regen-small";

  private static final List<String> WORDS =
      List.of(
          "stream",
          "event",
          "kafka",
          "partition",
          "offset",
          "worker",
          "model",
          "token",
          "latency",
          "replay",
          "cursor",
          "state",
          "store",
          "schema",
          "avro",
          "registry",
          "gateway",
          "browser",
          "socket",
          "user",
          "job",
          "progress",
          "research",
          "summary",
          "the",
          "a",
          "of",
          "and",
          "to",
          "in",
          "is",
          "for",
          "with",
          "on",
          "every",
          "each",
          "fast",
          "ordered",
          "durable",
          "live",
          "quietly",
          "again",
          "therefore",
          "because");

  private final String model;

  public DeterministicTextGenerator() {
    this(MODEL);
  }

  public DeterministicTextGenerator(String model) {
    this.model = model;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public int expectedChunks(String prompt, int maxChunks) {
    return Math.max(0, maxChunks);
  }

  @Override
  public TextStream stream(String prompt, int maxChunks) {
    int total = expectedChunks(prompt, maxChunks);
    SplittableRandom random = new SplittableRandom(seed(prompt) ^ 0x5DEECE66DL);
    return TextStream.of(
        new Iterator<>() {
          private int produced;

          @Override
          public boolean hasNext() {
            return produced < total;
          }

          @Override
          public String next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            StringBuilder chunk = new StringBuilder();
            int words = 1 + random.nextInt(3);
            for (int w = 0; w < words; w++) {
              String word = WORDS.get(random.nextInt(WORDS.size()));
              if (produced == 0 && w == 0) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
              }
              chunk.append(word);
              chunk.append(produced == total - 1 && w == words - 1 ? "." : " ");
            }
            produced++;
            return chunk.toString();
          }
        });
  }

  /** A stable seed: CRC32 is defined by its algorithm, unlike hashCode of other types. */
  static long seed(String text) {
    CRC32 crc = new CRC32();
    crc.update((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
