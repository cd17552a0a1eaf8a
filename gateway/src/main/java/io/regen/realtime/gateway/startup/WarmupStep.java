package io.regen.realtime.gateway.startup;

import java.util.Objects;

/**
 * One first-use path {@link FirstUseWarmup} runs once before the gateway serves clients.
 *
 * @param name what the step warms, for the log
 * @param work runs the path with the gateway's real classes; it must not touch the network and
 *     throws when the path did not do what it should (logged, the start goes on)
 */
public record WarmupStep(String name, Runnable work) {
  public WarmupStep {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(work, "work");
  }
}
