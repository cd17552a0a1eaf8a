package io.regen.realtime.gateway.jobs;

import java.util.Map;

/**
 * A validated request to start a job.
 *
 * @param jobType e.g. {@code model} or {@code research}
 * @param input bounded string map handed to the worker
 * @param idempotencyKey optional; the same key from the same user yields the same job
 */
public record StartJob(String jobType, Map<String, String> input, String idempotencyKey) {
  public StartJob {
    input = Map.copyOf(input);
  }
}
