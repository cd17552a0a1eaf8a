package io.regen.realtime.workers;

import java.util.Iterator;

/**
 * Finds sources for a research question: the seam where a real search / retrieval backend plugs
 * into the {@link ResearchWorker}. Thread-safe; the iterator is used by one job thread, its {@code
 * next()} may block and may throw {@link GenerationException}.
 */
public interface ResearchSource {

  /** One source found. {@code url} is absolute (http/https). */
  record Finding(String title, String url, String summary) {}

  /** The sources for {@code query}, at most {@code maxSources}. */
  Iterator<Finding> search(String query, int maxSources);

  /** How many sources {@link #search} will probably find, for progress reporting. */
  int expectedSources(String query, int maxSources);
}
