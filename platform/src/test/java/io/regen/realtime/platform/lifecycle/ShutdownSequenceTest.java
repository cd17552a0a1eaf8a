package io.regen.realtime.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ShutdownSequenceTest {
  private final List<String> closed = new CopyOnWriteArrayList<>();

  private AutoCloseable recorder(String name) {
    return () -> closed.add(name);
  }

  @Test
  void closesInReverseOrderOfStartExactlyOnce() throws Exception {
    ShutdownSequence sequence = new ShutdownSequence();
    sequence.add("broker", recorder("broker"));
    sequence.add("registry", recorder("registry"));
    sequence.add("app", recorder("app"));
    sequence.add("workers", recorder("workers"));

    sequence.closeAll();
    sequence.closeAll();
    sequence.awaitClosed();

    assertThat(closed).containsExactly("workers", "app", "registry", "broker");
    assertThat(sequence.isClosing()).isTrue();
  }

  @Test
  void aFailingStepDoesNotStopTheOthers() {
    ShutdownSequence sequence = new ShutdownSequence();
    sequence.add("broker", recorder("broker"));
    sequence.add(
        "app",
        () -> {
          throw new IllegalStateException("boom");
        });
    sequence.add("workers", recorder("workers"));

    sequence.closeAll();

    assertThat(closed).containsExactly("workers", "broker");
  }

  @Test
  void somethingStartedAfterClosingBeganIsClosedAtOnce() {
    ShutdownSequence sequence = new ShutdownSequence();
    sequence.closeAll();
    sequence.add("late", recorder("late"));
    assertThat(closed).containsExactly("late");
  }
}
