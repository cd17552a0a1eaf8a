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
    return toBuilder().maxSubjects(n).build();
  }

  public RegistryLimits withMaxVersionsPerSubject(int n) {
    return toBuilder().maxVersionsPerSubject(n).build();
  }

  public RegistryLimits withMaxSchemaBytes(int n) {
    return toBuilder().maxSchemaBytes(n).build();
  }

  public RegistryLimits withBodyDeadline(Duration d) {
    return toBuilder().bodyDeadline(d).build();
  }

  public RegistryLimits withMaxConcurrentUploads(int n) {
    return toBuilder().maxConcurrentUploads(n).build();
  }

  /** A builder starting from these limits: each {@code with...} changes one component. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some components of a {@link RegistryLimits}; {@link #build()} validates them all. */
  public static final class Builder {
    private int maxSubjects;
    private int maxVersionsPerSubject;
    private int maxSchemaBytes;
    private int maxBodyBytes;
    private Duration bodyDeadline;
    private Duration idleTimeout;
    private int workerThreads;
    private int queueCapacity;
    private int maxConcurrentUploads;
    private int maxConnections;

    private Builder(RegistryLimits from) {
      maxSubjects = from.maxSubjects;
      maxVersionsPerSubject = from.maxVersionsPerSubject;
      maxSchemaBytes = from.maxSchemaBytes;
      maxBodyBytes = from.maxBodyBytes;
      bodyDeadline = from.bodyDeadline;
      idleTimeout = from.idleTimeout;
      workerThreads = from.workerThreads;
      queueCapacity = from.queueCapacity;
      maxConcurrentUploads = from.maxConcurrentUploads;
      maxConnections = from.maxConnections;
    }

    public Builder maxSubjects(int n) {
      maxSubjects = n;
      return this;
    }

    public Builder maxVersionsPerSubject(int n) {
      maxVersionsPerSubject = n;
      return this;
    }

    public Builder maxSchemaBytes(int n) {
      maxSchemaBytes = n;
      return this;
    }

    public Builder bodyDeadline(Duration d) {
      bodyDeadline = d;
      return this;
    }

    public Builder maxConcurrentUploads(int n) {
      maxConcurrentUploads = n;
      return this;
    }

    public RegistryLimits build() {
      return new RegistryLimits(
          maxSubjects,
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
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
