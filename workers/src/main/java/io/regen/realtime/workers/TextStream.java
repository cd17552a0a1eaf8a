package io.regen.realtime.workers;

import java.util.Iterator;

/**
 * The chunks of one response, as produced. {@link #close()} releases what the stream holds (an
 * upstream connection) and may be called from another thread to stop a blocked {@code hasNext()} or
 * {@code next()}, which then throw {@link GenerationException}. Closing twice is harmless.
 */
public interface TextStream extends Iterator<String>, AutoCloseable {

  @Override
  default void close() {}

  /**
   * Whether chunks arrive as a model produces them, so that {@code hasNext()} after a chunk may
   * wait for the model. The worker then publishes each chunk as it comes instead of looking ahead
   * for the end (which would hold every chunk back until the next one).
   */
  default boolean isLive() {
    return false;
  }

  /** A stream over chunks that are already there (nothing to release). */
  static TextStream of(Iterator<String> chunks) {
    return new TextStream() {
      @Override
      public boolean hasNext() {
        return chunks.hasNext();
      }

      @Override
      public String next() {
        return chunks.next();
      }
    };
  }
}
