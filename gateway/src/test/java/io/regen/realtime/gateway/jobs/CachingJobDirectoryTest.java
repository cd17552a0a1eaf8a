package io.regen.realtime.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.schemas.LogPosition;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingJobDirectoryTest extends JobDirectoryContract {

  /** Half the jobs in the cache, the other half only in the source. */
  @Override
  protected JobDirectory directoryOf(Map<String, JobRecord> jobs) {
    InMemoryJobDirectory cache = new InMemoryJobDirectory(100);
    InMemoryJobDirectory source = new InMemoryJobDirectory(100);
    int[] i = {0};
    jobs.forEach((id, job) -> (i[0]++ % 2 == 0 ? cache : source).put(id, job));
    return new CachingJobDirectory(cache, source);
  }

  @Test
  void theCacheAnswersWhatItCanAndAsksTheSourceForTheRest() {
    InMemoryJobDirectory cache = new InMemoryJobDirectory(100);
    InMemoryJobDirectory remote = new InMemoryJobDirectory(100);
    AtomicInteger asked = new AtomicInteger();
    JobDirectory source =
        (jobId, token) -> {
          asked.incrementAndGet();
          return remote.find(jobId, token);
        };
    CachingJobDirectory directory = new CachingJobDirectory(cache, source);
    cache.recordStart("started-here", "alice", "model");
    remote.put("started-here", LOCATED);

    assertThat(directory.find("started-here", "t").join())
        .contains(JobRecord.owned("alice", "model"));
    assertThat(asked).as("the owner is known here").hasValue(0);
    assertThat(directory.locate("started-here", "t").join()).contains(LOCATED);
    assertThat(asked).as("its position is not").hasValue(1);

    cache.recordFirstEvent("started-here", "alice", new LogPosition(3, 5));
    assertThat(directory.locate("started-here", "t").join()).isPresent();
    assertThat(asked).hasValue(1);
  }
}
