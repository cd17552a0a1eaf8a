package io.regen.realtime.platform.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The oracle over unique (jobId, seq) pairs, run once traffic has stopped: every acknowledged event
 * reaches every tab of its user, none twice, the seqs of a job in order, nothing shown that was
 * never published, and every job whose end was acknowledged is {@code COMPLETED} with its last seq
 * in job state.
 */
public final class DeliveryOracle {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private DeliveryOracle() {}

  /**
   * Checks {@code tabs} against {@code publisher} (stopped) and returns the figures. Waits (up to
   * {@code timeout}) only for what it then asserts: the acknowledged events at the tabs, and each
   * user's jobs in state.
   */
  public static FaultFigures check(
      String fault,
      FaultPlatform platform,
      SdkPublisher publisher,
      List<? extends Tab> tabs,
      double recoverySeconds,
      Duration timeout)
      throws Exception {
    String prefix = publisher.prefix();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              for (Tab tab : tabs) {
                assertThat(Set.copyOf(tab.shown(prefix)))
                    .as("events of %s shown at a tab", tab.user())
                    .containsAll(publisher.acknowledgedOf(tab.user()));
              }
            });
    long delivered = 0;
    long duplicated = 0;
    long neverPublished = 0;
    for (Tab tab : tabs) {
      List<EventId> shown = tab.shown(prefix);
      delivered += shown.size();
      duplicated += shown.size() - Set.copyOf(shown).size();
      neverPublished += shown.stream().filter(e -> !publisher.attempted(e)).count();
      assertInOrder(shown);
    }
    long inState = 0;
    for (String user : publisher.users()) {
      inState += checkJobState(platform, user, publisher.completedJobsOf(user), timeout);
    }
    FaultFigures figures =
        new FaultFigures(
            fault,
            new FaultFigures.Traffic(
                publisher.produced(),
                publisher.acknowledged(),
                delivered,
                tabs.size(),
                duplicated,
                neverPublished,
                inState),
            recoverySeconds,
            "");
    assertThat(duplicated).as("duplicated deliveries (%s)", figures.line()).isZero();
    assertThat(neverPublished).as("shown but never published (%s)", figures.line()).isZero();
    return figures;
  }

  /**
   * A user's events share one partition, so Streams folds that user's jobs in publish order: once
   * the last completed job is in state, every earlier one must be too. Waits for the last, then
   * reads every job once.
   */
  private static long checkJobState(
      FaultPlatform platform, String user, Set<String> jobs, Duration timeout) throws Exception {
    if (jobs.isEmpty()) {
      return 0;
    }
    String last = jobs.stream().max(Comparator.comparingLong(DeliveryOracle::jobNumber)).get();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(() -> assertCompleted(platform, user, last));
    for (String job : jobs) {
      assertCompleted(platform, user, job);
    }
    return jobs.size();
  }

  private static void assertCompleted(FaultPlatform platform, String user, String jobId)
      throws Exception {
    HttpResponse<String> response = platform.get("/api/job/" + jobId + "/state", user);
    assertThat(response.statusCode()).as("state of %s: %s", jobId, response.body()).isEqualTo(200);
    JsonNode state = JSON.readTree(response.body());
    assertThat(state.path("status").asString()).as("status of %s", jobId).isEqualTo("COMPLETED");
    assertThat(state.path("lastSeq").asLong())
        .as("last seq of %s", jobId)
        .isEqualTo(SdkPublisher.EVENTS_PER_JOB - 1L);
  }

  private static long jobNumber(String jobId) {
    return Long.parseLong(jobId.substring(jobId.lastIndexOf('-') + 1));
  }

  private static void assertInOrder(List<EventId> shown) {
    Map<String, Long> last = new HashMap<>();
    for (EventId e : shown) {
      Long previous = last.put(e.jobId(), e.seq());
      assertThat(previous == null || previous < e.seq())
          .as("seq of %s goes forward (%s then %s)", e.jobId(), previous, e.seq())
          .isTrue();
    }
  }
}
