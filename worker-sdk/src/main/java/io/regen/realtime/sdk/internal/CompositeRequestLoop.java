package io.regen.realtime.sdk.internal;

import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.sdk.RequestLoopStats;
import java.util.List;
import java.util.Set;

/** Several single-type loops (one consumer group each) seen as one. */
public final class CompositeRequestLoop implements RequestLoop {
  private final Set<String> jobTypes;
  private final List<RequestLoop> loops;

  public CompositeRequestLoop(Set<String> jobTypes, List<RequestLoop> loops) {
    this.jobTypes = Set.copyOf(jobTypes);
    this.loops = List.copyOf(loops);
  }

  @Override
  public Set<String> jobTypes() {
    return jobTypes;
  }

  @Override
  public boolean isRunning() {
    return loops.stream().allMatch(RequestLoop::isRunning);
  }

  @Override
  public boolean isAssigned() {
    return loops.stream().allMatch(RequestLoop::isAssigned);
  }

  @Override
  public RequestLoopStats stats() {
    return loops.stream()
        .map(RequestLoop::stats)
        .reduce(new RequestLoopStats(0, 0, 0, 0, 0, 0, 0, 0), RequestLoopStats::plus);
  }

  @Override
  public void close() {
    // Close in parallel so that the drain timeouts do not add up.
    List<Thread> closers = loops.stream().map(loop -> new Thread(loop::close)).toList();
    closers.forEach(Thread::start);
    for (Thread closer : closers) {
      try {
        closer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
