package io.regen.realtime.platform.roles;

import io.regen.realtime.platform.app.MetricsServer;
import io.regen.realtime.platform.config.RegenEnvironment;
import io.regen.realtime.platform.lifecycle.ShutdownSequence;

/** The metrics endpoint of the roles without a Spring application (registry, worker). */
final class RoleMetrics {
  private RoleMetrics() {}

  /** Serves {@code /metrics} on {@code METRICS_PORT} when it is set; closed with the role. */
  static void startIfConfigured(RegenEnvironment env, ShutdownSequence shutdown) {
    if (env.get(MetricsServer.METRICS_PORT).isPresent()) {
      MetricsServer metrics =
          shutdown.add(
              "metrics endpoint", new MetricsServer(env.port(MetricsServer.METRICS_PORT, 0)));
      Console.line("metrics on http://localhost:%d%s", metrics.port(), MetricsServer.PATH);
    }
  }
}
