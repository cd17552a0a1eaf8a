package io.regen.realtime.gateway.jobs;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.gateway.limits.UserRateLimiter;
import io.regen.realtime.schemas.util.BoundedMap;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * Starts and cancels jobs for authenticated users, for both the WebSocket protocol and REST.
 *
 * <p>Idempotency: a start with an idempotency key gets a jobId derived from the user and the key
 * (name-based UUID), so every node and every retry names the same job; a repeat seen by this node
 * within its bounded recent-starts cache is answered from the cache without a second request
 * record. Cancel is for the job's owner only: ownership comes from the {@link JobDirectory} (which
 * knows every job started here without asking the query API). Thread-safe; never blocks on Kafka or
 * HTTP (the futures complete on client threads).
 */
public final class JobCommands {
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final JobRequestPublisher publisher;
  private final CachingJobDirectory directory;
  private final UserRateLimiter startLimiter;
  private final Clock clock;
  private final Map<String, CompletableFuture<String>> recentStarts;

  public JobCommands(
      JobRequestPublisher publisher,
      CachingJobDirectory directory,
      UserRateLimiter startLimiter,
      int idempotencyCacheSize,
      Clock clock) {
    this.publisher = publisher;
    this.directory = directory;
    this.startLimiter = startLimiter;
    this.clock = clock;
    this.recentStarts = BoundedMap.leastRecentlyUsed(idempotencyCacheSize);
  }

  /** The jobId of a start: name-based on user and key, random without a key. */
  public static String jobIdFor(String userId, String idempotencyKey) {
    if (idempotencyKey == null) {
      return UUID.randomUUID().toString();
    }
    return UUID.nameUUIDFromBytes((userId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** Whether a client-supplied jobId is well-formed (safe in a URL path and a Kafka key). */
  public static boolean isValidJobId(String jobId) {
    return jobId != null && JOB_ID.matcher(jobId).matches();
  }

  /**
   * Starts a job; completes with its jobId once the request record is durable, or exceptionally
   * with {@link JobCommandException} ({@code rate_limited}, {@code internal}).
   */
  public CompletableFuture<String> start(AuthenticatedUser user, StartJob start) {
    String jobId = jobIdFor(user.userId(), start.idempotencyKey());
    CompletableFuture<String> mine = new CompletableFuture<>();
    if (start.idempotencyKey() != null) {
      CompletableFuture<String> earlier;
      synchronized (recentStarts) {
        earlier = recentStarts.get(jobId);
        if (earlier == null || earlier.isCompletedExceptionally()) {
          recentStarts.put(jobId, mine);
          earlier = null;
        }
      }
      if (earlier != null) {
        return earlier.copy();
      }
    }
    long retryAfter = startLimiter.tryAcquire(user.userId());
    if (retryAfter > 0) {
      forget(jobId, mine);
      mine.completeExceptionally(
          new JobCommandException(
              JobCommandException.RATE_LIMITED,
              "too many job starts, retry later",
              retryAfter,
              null));
      return mine.copy();
    }
    directory.cache().recordStart(jobId, user.userId(), start.jobType());
    JobRequest request =
        JobRequest.newBuilder()
            .setJobId(jobId)
            .setUserId(user.userId())
            .setJobType(start.jobType())
            .setInput(Map.copyOf(start.input()))
            .setIdempotencyKey(start.idempotencyKey())
            .setRequestedAt(clock.instant())
            .setAction(JobRequestAction.START)
            .build();
    publisher
        .publish(request)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                mine.complete(jobId);
              } else {
                forget(jobId, mine);
                mine.completeExceptionally(
                    new JobCommandException(
                        JobCommandException.INTERNAL, "could not queue the job", 0, error));
              }
            });
    return mine.copy();
  }

  /**
   * Asks the worker running {@code jobId} to stop; only its owner may. Completes with the jobId
   * when the cancel request is durable, or exceptionally with {@link JobCommandException}.
   *
   * @param bearerToken the caller's token, forwarded to the state API for ownership checks
   */
  public CompletableFuture<String> cancel(
      AuthenticatedUser user, String bearerToken, String jobId) {
    if (!isValidJobId(jobId)) {
      return CompletableFuture.failedFuture(
          new JobCommandException(JobCommandException.INVALID, "jobId is not a valid job id"));
    }
    CompletableFuture<JobRecord> owner =
        directory
            .find(jobId, bearerToken)
            .handle(
                (found, error) -> {
                  if (error != null) {
                    throw lookupFailure(error);
                  }
                  return found.orElseThrow(
                      () ->
                          new JobCommandException(
                              JobCommandException.NOT_FOUND, "no job " + jobId));
                });
    return owner
        .thenCompose(
            found -> {
              if (!found.userId().equals(user.userId())) {
                throw new JobCommandException(JobCommandException.FORBIDDEN, "not your job");
              }
              JobRequest request =
                  JobRequest.newBuilder()
                      .setJobId(jobId)
                      .setUserId(found.userId())
                      .setJobType(found.jobType())
                      .setInput(Map.of())
                      .setIdempotencyKey(null)
                      .setRequestedAt(clock.instant())
                      .setAction(JobRequestAction.CANCEL)
                      .build();
              return publisher.publish(request).thenApply(ok -> jobId);
            })
        .exceptionallyCompose(
            error -> {
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof JobCommandException) {
                return CompletableFuture.failedFuture(cause);
              }
              return CompletableFuture.failedFuture(
                  new JobCommandException(
                      JobCommandException.INTERNAL, "could not queue the cancellation", 0, cause));
            });
  }

  /** Evicts idle per-user rate limit state; call periodically. */
  public void evictIdle() {
    startLimiter.evictIdle();
  }

  private static JobCommandException lookupFailure(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof JobLookupException e
        && e.reason() == JobLookupException.Reason.FORBIDDEN) {
      return new JobCommandException(JobCommandException.FORBIDDEN, "not your job");
    }
    return new JobCommandException(
        JobCommandException.INTERNAL, "job state is unavailable", 0, cause);
  }

  private void forget(String jobId, CompletableFuture<String> attempt) {
    synchronized (recentStarts) {
      recentStarts.remove(jobId, attempt);
    }
  }
}
