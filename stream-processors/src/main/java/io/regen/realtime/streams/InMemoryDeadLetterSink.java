package io.regen.realtime.streams;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DeadLetterSink} in a list, for tests and single-JVM tools. */
public final class InMemoryDeadLetterSink implements DeadLetterSink {
  private final List<DeadLetter> letters = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  @Override
  public void publish(DeadLetter letter) {
    if (closed) {
      throw new IllegalStateException("dead-letter sink closed");
    }
    letters.add(letter);
  }

  /** Everything published, in order. */
  public List<DeadLetter> letters() {
    return List.copyOf(letters);
  }

  @Override
  public void close() {
    closed = true;
  }
}
