package io.regen.realtime.platform.roles;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.regen.realtime.sdk.RequestLoopStats;
import io.regen.realtime.workers.RunningWorker;
import java.util.function.ToLongFunction;

/**
 * A reference worker's request-loop counters as meters ({@code regen_worker_*}, tag {@code type}).
 */
final class WorkerMeters {
  private WorkerMeters() {}

  static void bind(RunningWorker worker, MeterRegistry registry) {
    Tags tags = Tags.of("type", worker.type());
    counter(
        registry,
        tags,
        worker,
        "regen.worker.jobs.started",
        "Jobs started",
        RequestLoopStats::jobsStarted);
    counter(
        registry,
        tags,
        worker,
        "regen.worker.jobs.finished",
        "Jobs whose terminal event was published",
        RequestLoopStats::jobsFinished);
    counter(
        registry,
        tags,
        worker,
        "regen.worker.requests.duplicate",
        "START requests skipped as duplicates",
        RequestLoopStats::duplicatesSkipped);
    counter(
        registry,
        tags,
        worker,
        "regen.worker.requests.malformed",
        "Requests that could not be decoded, skipped",
        RequestLoopStats::malformedSkipped);
    counter(
        registry,
        tags,
        worker,
        "regen.worker.jobs.retried",
        "Job runs repeated as the next attempt (end not acknowledged, or start refused)",
        RequestLoopStats::jobsRetried);
    Gauge.builder("regen.worker.jobs.running", worker, w -> w.stats().running())
        .tags(tags)
        .description("Jobs accepted and not yet finished")
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      Tags tags,
      RunningWorker worker,
      String name,
      String description,
      ToLongFunction<RequestLoopStats> value) {
    FunctionCounter.builder(name, worker, w -> value.applyAsLong(w.stats()))
        .tags(tags)
        .description(description)
        .register(registry);
  }
}
