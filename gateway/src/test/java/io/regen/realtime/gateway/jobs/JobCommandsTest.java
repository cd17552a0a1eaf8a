package io.regen.realtime.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.auth.AuthenticatedUser;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.gateway.limits.UserRateLimiter;
import io.regen.realtime.gateway.testapp.TestJobRequestProducers;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;

class JobCommandsTest {
  private final MockProducer<String, JobRequest> producer = TestJobRequestProducers.acknowledging();
  private final AtomicInteger lookups = new AtomicInteger();
  private JobRecord remoteOwner = JobRecord.owned("alice", "model");
  private final JobDirectory remote =
      (jobId, token) -> {
        lookups.incrementAndGet();
        return CompletableFuture.completedFuture(Optional.ofNullable(remoteOwner));
      };
  private final JobCommands commands =
      new JobCommands(
          new JobRequestPublisher(producer),
          new CachingJobDirectory(new InMemoryJobDirectory(100), remote),
          new UserRateLimiter(3),
          100,
          Clock.systemUTC());

  private static AuthenticatedUser user(String id) {
    return new AuthenticatedUser(id, Set.of(), Instant.now().plusSeconds(3600));
  }

  @Test
  void theSameKeyFromTheSameUserIsOneJob() {
    StartJob start = new StartJob("model", Map.of("p", "x"), "key-1");
    String first = commands.start(user("alice"), start).join();
    String again = commands.start(user("alice"), start).join();
    String otherUser = commands.start(user("bob"), start).join();
    assertThat(again).isEqualTo(first);
    assertThat(otherUser).isNotEqualTo(first);
    assertThat(first).isEqualTo(JobCommands.jobIdFor("alice", "key-1"));
    assertThat(producer.history()).hasSize(2);
    assertThat(producer.history().get(0).key()).isEqualTo(first);
  }

  @Test
  void startsWithoutAKeyGetRandomIdsAndArePerUserRateLimited() {
    StartJob start = new StartJob("model", Map.of(), null);
    String a = commands.start(user("carol"), start).join();
    String b = commands.start(user("carol"), start).join();
    commands.start(user("carol"), start).join();
    assertThat(a).isNotEqualTo(b);
    assertThatThrownBy(() -> commands.start(user("carol"), start).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(JobCommandException.class)
        .satisfies(
            e -> {
              JobCommandException j = (JobCommandException) e;
              assertThat(j.code()).isEqualTo(JobCommandException.RATE_LIMITED);
              assertThat(j.retryAfterMs()).isPositive();
            });
    assertThat(producer.history()).hasSize(3);
  }

  @Test
  void aFailedSendIsNotRememberedAsStarted() {
    MockProducer<String, JobRequest> failing = TestJobRequestProducers.manual();
    JobCommands c =
        new JobCommands(
            new JobRequestPublisher(failing),
            new CachingJobDirectory(new InMemoryJobDirectory(100), remote),
            new UserRateLimiter(10),
            100,
            Clock.systemUTC());
    StartJob start = new StartJob("model", Map.of(), "k");
    CompletableFuture<String> first = c.start(user("dan"), start);
    failing.errorNext(new RuntimeException("broker down"));
    assertThatThrownBy(first::join)
        .cause()
        .isInstanceOf(JobCommandException.class)
        .extracting(e -> ((JobCommandException) e).code())
        .isEqualTo(JobCommandException.INTERNAL);
    CompletableFuture<String> retry = c.start(user("dan"), start);
    failing.completeNext();
    assertThat(retry.join()).isEqualTo(JobCommands.jobIdFor("dan", "k"));
  }

  @Test
  void cancelIsForTheOwnerOnly() {
    String jobId = commands.start(user("erin"), new StartJob("research", Map.of(), null)).join();
    assertThatThrownBy(() -> commands.cancel(user("frank"), "t", jobId).join())
        .cause()
        .extracting(e -> ((JobCommandException) e).code())
        .isEqualTo(JobCommandException.FORBIDDEN);
    assertThat(commands.cancel(user("erin"), "t", jobId).join()).isEqualTo(jobId);
    assertThat(lookups.get()).as("known locally, no lookup").isZero();
    JobRequest cancel = producer.history().get(1).value();
    assertThat(cancel.getAction()).isEqualTo(JobRequestAction.CANCEL);
    assertThat(cancel.getJobType()).isEqualTo("research");
  }

  @Test
  void cancelOfAJobStartedElsewhereAsksTheStateApi() {
    assertThat(commands.cancel(user("alice"), "t", "remote-job").join()).isEqualTo("remote-job");
    assertThat(lookups.get()).isEqualTo(1);
    assertThatThrownBy(() -> commands.cancel(user("bob"), "t", "remote-job").join())
        .cause()
        .extracting(e -> ((JobCommandException) e).code())
        .isEqualTo(JobCommandException.FORBIDDEN);
    remoteOwner = null;
    assertThatThrownBy(() -> commands.cancel(user("alice"), "t", "gone").join())
        .cause()
        .extracting(e -> ((JobCommandException) e).code())
        .isEqualTo(JobCommandException.NOT_FOUND);
    assertThatThrownBy(() -> commands.cancel(user("alice"), "t", "bad/id").join())
        .cause()
        .extracting(e -> ((JobCommandException) e).code())
        .isEqualTo(JobCommandException.INVALID);
  }

  @Test
  void aRefusingOrUnavailableDirectoryIsForbiddenOrInternal() {
    for (var reason : JobLookupException.Reason.values()) {
      JobCommands c =
          new JobCommands(
              new JobRequestPublisher(producer),
              new CachingJobDirectory(
                  new InMemoryJobDirectory(10),
                  (jobId, token) ->
                      CompletableFuture.failedFuture(new JobLookupException(reason, "no"))),
              new UserRateLimiter(10),
              100,
              Clock.systemUTC());
      assertThatThrownBy(() -> c.cancel(user("alice"), "t", "remote-job").join())
          .cause()
          .extracting(e -> ((JobCommandException) e).code())
          .isEqualTo(
              reason == JobLookupException.Reason.FORBIDDEN
                  ? JobCommandException.FORBIDDEN
                  : JobCommandException.INTERNAL);
    }
    assertThat(producer.history()).isEmpty();
  }
}
