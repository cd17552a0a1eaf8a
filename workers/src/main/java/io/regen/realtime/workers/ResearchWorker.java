package io.regen.realtime.workers;

import io.regen.realtime.sdk.JobContext;
import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.JobRequestHandler;
import io.regen.realtime.workers.ResearchSource.Finding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The {@code research} worker: a planning step, one {@code research:step:v1} per source found (with
 * its url and summary), a synthesis step, {@code job:progress:v1} after each step and {@code
 * job:completed:v1}. One step per {@code stepDelay}.
 *
 * <p>Input: {@code query} (falls back to {@code prompt}), {@code sources} (at most this many, 1–50,
 * default 6), {@code fail=true} (fail after the first source with {@code REQUESTED_FAILURE}). A
 * {@link GenerationException} from the source ends the job with {@code RESEARCH_FAILED}; a CANCEL
 * request stops it before the next step.
 */
public final class ResearchWorker implements JobRequestHandler {
  public static final String TYPE = "research";
  public static final String INPUT_QUERY = "query";
  public static final String INPUT_MAX_SOURCES = "sources";
  public static final String INPUT_FAIL = "fail";
  static final int DEFAULT_MAX_SOURCES = 6;
  static final int LIMIT_MAX_SOURCES = 50;

  private final ResearchSource source;
  private final Duration stepDelay;

  public ResearchWorker(ResearchSource source, Duration stepDelay) {
    this.source = Objects.requireNonNull(source, "source");
    this.stepDelay = Objects.requireNonNull(stepDelay, "stepDelay");
  }

  @Override
  public void handle(JobContext context) throws InterruptedException {
    JobHandle job = context.job();
    InputParameters input = new InputParameters(context.request().getInput());
    String query = input.text(INPUT_QUERY, input.text(ModelWorker.INPUT_PROMPT, ""));
    int maxSources;
    try {
      maxSources = input.integer(INPUT_MAX_SOURCES, DEFAULT_MAX_SOURCES, 1, LIMIT_MAX_SOURCES);
    } catch (IllegalArgumentException e) {
      job.fail("INVALID_INPUT", e.getMessage(), false);
      return;
    }
    boolean failOnRequest = input.flag(INPUT_FAIL);
    int expected = Math.max(1, source.expectedSources(query, maxSources));
    int totalSteps = expected + 2;

    job.researchStep(
        0, "Planning", null, "Looking for up to " + maxSources + " sources on: " + query);
    job.progress(100 / totalSteps, "planned");

    List<Finding> findings = new ArrayList<>();
    try {
      Iterator<Finding> results = source.search(query, maxSources);
      while (results.hasNext()) {
        if (context.awaitCancellation(stepDelay)) {
          return;
        }
        if (failOnRequest && !findings.isEmpty()) {
          job.fail("REQUESTED_FAILURE", "the request asked the worker to fail (fail=true)", false);
          return;
        }
        Finding finding = results.next();
        findings.add(finding);
        job.researchStep(findings.size(), finding.title(), finding.url(), finding.summary());
        job.progress(
            Math.min(99, (findings.size() + 1) * 100 / totalSteps),
            findings.size() + " source(s) found");
      }
    } catch (GenerationException e) {
      job.fail("RESEARCH_FAILED", e.getMessage(), e.isRetryable());
      return;
    }
    if (context.awaitCancellation(stepDelay)) {
      return;
    }
    job.researchStep(
        findings.size() + 1,
        "Synthesis",
        null,
        findings.size() + " source(s) agree on the main points of: " + query);
    job.progress(100, "done");
    job.complete(findings.size() + " sources on '" + query + "'");
  }
}
