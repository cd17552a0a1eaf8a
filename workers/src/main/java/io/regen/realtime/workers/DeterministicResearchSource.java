package io.regen.realtime.workers;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A stand-in for a search backend: the same query always finds the same 3 to 6 sources (seeded by
 * the query), with titles, example.org urls and summaries.
 */
public final class DeterministicResearchSource implements ResearchSource {
  private static final List<String> KINDS =
      List.of("Survey", "Case study", "Benchmark", "Field report", "Tutorial", "Design note");
  private static final List<String> CLAIMS =
      List.of(
          "finds that ordering per key keeps consumers simple",
          "measures throughput with acknowledgements from all replicas",
          "compares replay from the log with snapshots of state",
          "shows that idempotent producers remove duplicates on retry",
          "argues for versioned event names",
          "reports latency percentiles under load");

  @Override
  public int expectedSources(String query, int maxSources) {
    return Math.min(
        maxSources, 3 + (int) Math.floorMod(DeterministicTextGenerator.seed(query), 4L));
  }

  @Override
  public Iterator<Finding> search(String query, int maxSources) {
    int total = expectedSources(query, maxSources);
    SplittableRandom random = new SplittableRandom(DeterministicTextGenerator.seed(query));
    String topic = query == null || query.isBlank() ? "the question" : query.trim();
    String slug = URLEncoder.encode(topic.toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
    return new Iterator<>() {
      private int found;

      @Override
      public boolean hasNext() {
        return found < total;
      }

      @Override
      public Finding next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        found++;
        String kind = KINDS.get(random.nextInt(KINDS.size()));
        String claim = CLAIMS.get(random.nextInt(CLAIMS.size()));
        return new Finding(
            kind + " " + found + " on " + topic,
            "https://research.example.org/" + slug + "/" + found,
            "This " + kind.toLowerCase(Locale.ROOT) + " " + claim + ".");
      }
    };
  }
}
