package io.regen.realtime.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.workers.ResearchSource.Finding;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DeterministicGeneratorsTest {

  private static <T> List<T> all(Iterator<T> it) {
    List<T> list = new ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }

  @Test
  void theSamePromptGivesTheSameChunks() {
    TextGenerator generator = new DeterministicTextGenerator();
    List<String> first = all(generator.stream("explain kafka", 40));
    assertThat(first).hasSize(40).isEqualTo(all(generator.stream("explain kafka", 40)));
    assertThat(first).isNotEqualTo(all(generator.stream("explain kafkA", 40)));
    assertThat(String.join("", first)).endsWith(".").matches("^[A-Z].*");
    assertThat(generator.expectedChunks("explain kafka", 40)).isEqualTo(40);
  }

  @Test
  void theIteratorEnds() {
    Iterator<String> it = new DeterministicTextGenerator().stream("x", 1);
    it.next();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void theSameQueryFindsTheSameSources() {
    ResearchSource source = new DeterministicResearchSource();
    List<Finding> findings = all(source.search("stream processing", 6));
    assertThat(findings)
        .hasSize(source.expectedSources("stream processing", 6))
        .hasSizeBetween(3, 6)
        .isEqualTo(all(source.search("stream processing", 6)));
    for (Finding f : findings) {
      URI url = URI.create(f.url());
      assertThat(url.getScheme()).isEqualTo("https");
      assertThat(url.getHost()).isEqualTo("research.example.org");
      assertThat(f.title()).endsWith("on stream processing");
    }
    assertThat(all(source.search("stream processing", 2))).hasSize(2);
  }
}
