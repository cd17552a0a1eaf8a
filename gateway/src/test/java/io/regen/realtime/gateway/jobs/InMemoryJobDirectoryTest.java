package io.regen.realtime.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regen.realtime.schemas.LogPosition;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryJobDirectoryTest extends JobDirectoryContract {

  @Override
  protected JobDirectory directoryOf(Map<String, JobRecord> jobs) {
    InMemoryJobDirectory directory = new InMemoryJobDirectory(100);
    jobs.forEach(directory::put);
    return directory;
  }

  @Test
  void keepsTheFirstSightingAndEvictsTheLeastRecentlyUsed() {
    InMemoryJobDirectory directory = new InMemoryJobDirectory(2);
    directory.recordFirstEvent("a", "u", new LogPosition(1, 10));
    directory.recordFirstEvent("a", "u", new LogPosition(1, 99));
    assertThat(directory.get("a")).contains(new JobRecord("u", "", new LogPosition(1, 10), null));
    directory.recordFirstEvent("b", "u", new LogPosition(1, 20));
    directory.get("a"); // a is now the most recently used
    directory.recordFirstEvent("c", "u", new LogPosition(1, 30));
    assertThat(directory.get("b")).isEmpty();
    assertThat(directory.get("a")).isPresent();
    assertThat(directory.size()).isEqualTo(2);
  }

  @Test
  void aStartAndAFirstEventOfTheSameJobMakeOneRecord() {
    InMemoryJobDirectory directory = new InMemoryJobDirectory(10);
    directory.recordStart("j", "alice", "model");
    assertThat(directory.locate("j", null).join()).isEmpty();
    directory.recordFirstEvent("j", "alice", new LogPosition(2, 7));
    assertThat(directory.locate("j", null).join())
        .contains(new JobRecord("alice", "model", new LogPosition(2, 7), null));
    directory.recordStart("k", "bob", "research");
    directory.recordFirstEvent("k", "bob", new LogPosition(4, 1));
    directory.recordStart("k", "bob", "other");
    assertThat(directory.get("k"))
        .contains(new JobRecord("bob", "research", new LogPosition(4, 1), null));
  }

  @Test
  void aDirectoryHoldsAtLeastOneJob() {
    assertThatThrownBy(() -> new InMemoryJobDirectory(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
