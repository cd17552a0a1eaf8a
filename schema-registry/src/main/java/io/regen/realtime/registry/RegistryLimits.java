package io.regen.realtime.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * What one registry instance accepts before it refuses, so no client can exhaust it.
 *
 * @param maxSubjects subjects the registry holds; registering under a new one beyond is refused
 *     (422, error code 42205)
 * @param maxVersionsPerSubject versions per subject; one more is refused (422, 42205)
 * @param maxSchemaBytes length of one schema's text (UTF-16 chars); longer is refused (422, 42201)
 * @param maxBodyBytes request body size; a larger {@code Content-Length} is answered 413 without
 *     reading the body, a chunked body is cut off at this size
 * @param bodyDeadline how long a client may take to send its whole body (trickled uploads are
 *     answered 408 and closed)
 * @param idleTimeout a connection silent for this long is closed
 * @param workerThreads threads answering requests (schema lookups never wait for uploads: bodies
 *     are read without holding one)
 * @param queueCapacity requests waiting for a worker thread; beyond it the answer is 503
 * @param maxConcurrentUploads request bodies being received at once; beyond it the answer is 503
 * @param maxConnections open connections; beyond it new ones wait in the accept backlog
 */
public record RegistryLimits(
    int maxSubjects,
    int maxVersionsPerSubject,
    int maxSchemaBytes,
    int maxBodyBytes,
    Duration bodyDeadline,
    Duration idleTimeout,
    int workerThreads,
    int queueCapacity,
    int maxConcurrentUploads,
    int maxConnections) {

  /** The defaults: generous for any real schema set, small enough for a shared 1 GiB JVM. */
  public static final RegistryLimits DEFAULT =
      new RegistryLimits(
          10_000,
          1_000,
          1024 * 1024,
          4 * 1024 * 1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          8,
          256,
          16,
          512);

  public RegistryLimits {
    positive("maxSubjects", maxSubjects);
    positive("maxVersionsPerSubject", maxVersionsPerSubject);
    positive("maxSchemaBytes", maxSchemaBytes);
    positive("maxBodyBytes", maxBodyBytes);
    positive("workerThreads", workerThreads);
    positive("queueCapacity", queueCapacity);
    positive("maxConcurrentUploads", maxConcurrentUploads);
    positive("maxConnections", maxConnections);
    Objects.requireNonNull(bodyDeadline, "bodyDeadline");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }

  public RegistryLimits withMaxSubjects(int n) {
    return new RegistryLimits(
        n,
        maxVersionsPerSubject,
        maxSchemaBytes,
        maxBodyBytes,
        bodyDeadline,
        idleTimeout,
        workerThreads,
        queueCapacity,
        maxConcurrentUploads,
        maxConnections);
  }

  public RegistryLimits withMaxVersionsPerSubject(int n) {
    return new RegistryLimits(
        maxSubjects,
        n,
        maxSchemaBytes,
        maxBodyBytes,
        bodyDeadline,
        idleTimeout,
        workerThreads,
        queueCapacity,
        maxConcurrentUploads,
        maxConnections);
  }

  public RegistryLimits withMaxSchemaBytes(int n) {
    return new RegistryLimits(
        maxSubjects,
        maxVersionsPerSubject,
        n,
        maxBodyBytes,
        bodyDeadline,
        idleTimeout,
        workerThreads,
        queueCapacity,
        maxConcurrentUploads,
        maxConnections);
  }

  public RegistryLimits withBodyDeadline(Duration d) {
    return new RegistryLimits(
        maxSubjects,
        maxVersionsPerSubject,
        maxSchemaBytes,
        maxBodyBytes,
        d,
        idleTimeout,
        workerThreads,
        queueCapacity,
        maxConcurrentUploads,
        maxConnections);
  }

  public RegistryLimits withMaxConcurrentUploads(int n) {
    return new RegistryLimits(
        maxSubjects,
        maxVersionsPerSubject,
        maxSchemaBytes,
        maxBodyBytes,
        bodyDeadline,
        idleTimeout,
        workerThreads,
        queueCapacity,
        n,
        maxConnections);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
