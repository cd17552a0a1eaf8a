package io.regen.realtime.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.schemas.LogPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@link JobDirectory} contract, run against every implementation: a known job comes back with
 * its owner, type and positions; a job without positions is found but not located; an unknown job
 * is empty.
 */
abstract class JobDirectoryContract {
  static final JobRecord LOCATED =
      new JobRecord("alice", "model", new LogPosition(3, 5), new LogPosition(3, 9));
  static final JobRecord RUNNING = new JobRecord("alice", "research", new LogPosition(7, 40), null);
  static final JobRecord NOT_STARTED = JobRecord.owned("bob", "model");

  /** A directory that knows exactly these jobs. */
  protected abstract JobDirectory directoryOf(Map<String, JobRecord> jobs) throws Exception;

  private JobDirectory directory() throws Exception {
    Map<String, JobRecord> jobs = new LinkedHashMap<>();
    jobs.put("job-located", LOCATED);
    jobs.put("job-running", RUNNING);
    jobs.put("job-not-started", NOT_STARTED);
    return directoryOf(jobs);
  }

  @Test
  void aKnownJobComesBackWithOwnerTypeAndPositions() throws Exception {
    JobDirectory directory = directory();
    assertThat(directory.find("job-located", "token").get(5, TimeUnit.SECONDS)).contains(LOCATED);
    assertThat(directory.locate("job-located", "token").get(5, TimeUnit.SECONDS)).contains(LOCATED);
    JobRecord running = directory.locate("job-running", "token").get(5, TimeUnit.SECONDS).get();
    assertThat(running).isEqualTo(RUNNING);
    assertThat(running.lastOffset()).isEqualTo(-1);
    assertThat(LOCATED.lastOffset()).isEqualTo(9);
  }

  @Test
  void aJobWithoutEventsIsFoundButNotLocated() throws Exception {
    JobDirectory directory = directory();
    assertThat(directory.find("job-not-started", "token").get(5, TimeUnit.SECONDS))
        .contains(NOT_STARTED);
    assertThat(directory.locate("job-not-started", "token").get(5, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void anUnknownJobIsEmpty() throws Exception {
    JobDirectory directory = directory();
    assertThat(directory.find("no-such-job", "token").get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(directory.locate("no-such-job", null).get(5, TimeUnit.SECONDS)).isEmpty();
  }
}
