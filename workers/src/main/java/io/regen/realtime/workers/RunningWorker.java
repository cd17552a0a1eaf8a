package io.regen.realtime.workers;

import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import io.regen.realtime.sdk.RequestLoopStats;

/**
 * A reference worker consuming job requests of its type. {@link #close()} drains running jobs (up
 * to the SDK's drain timeout) and disconnects.
 */
public final class RunningWorker implements AutoCloseable {
  private final String type;
  private final String workerId;
  private final RegenWorkerClient client;
  private final RequestLoop loop;

  RunningWorker(String type, String workerId, RegenWorkerClient client, RequestLoop loop) {
    this.type = type;
    this.workerId = workerId;
    this.client = client;
    this.loop = loop;
  }

  /** {@code model} or {@code research}. */
  public String type() {
    return type;
  }

  public String workerId() {
    return workerId;
  }

  /** Whether the worker is consuming requests. */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /** Whether the worker joined its consumer group and reads requests. */
  public boolean isReady() {
    return loop.isRunning() && loop.isAssigned();
  }

  public RequestLoopStats stats() {
    return loop.stats();
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "RunningWorker[" + type + ", " + workerId + "]";
  }
}
