package io.regen.realtime.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.JobRequestAction;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DedupeMemoryTest {

  private static JobRequest request(String jobId, String userId, String key) {
    return new JobRequest(
        jobId, userId, "model", Map.of(), key, Instant.now(), JobRequestAction.START);
  }

  @Test
  void sameJobIdOrSameUserAndKeyIsADuplicate() {
    DedupeMemory memory = new DedupeMemory(100);
    assertThat(memory.checkAndRemember(request("j1", "alice", "k1"))).isFalse();
    assertThat(memory.checkAndRemember(request("j1", "alice", null))).isTrue();
    assertThat(memory.checkAndRemember(request("j2", "alice", "k1"))).isTrue();
    // The same key of another user is another request.
    assertThat(memory.checkAndRemember(request("j3", "bob", "k1"))).isFalse();
    // No key: only the jobId counts.
    assertThat(memory.checkAndRemember(request("j4", "alice", null))).isFalse();
    assertThat(memory.checkAndRemember(request("j5", "alice", ""))).isFalse();
  }

  @Test
  void forgetsTheOldestBeyondItsCapacity() {
    DedupeMemory memory = new DedupeMemory(4);
    for (int i = 0; i < 10; i++) {
      memory.checkAndRemember(request("j" + i, "u", null));
    }
    assertThat(memory.size()).isEqualTo(4);
    assertThat(memory.checkAndRemember(request("j9", "u", null))).isTrue();
    assertThat(memory.checkAndRemember(request("j0", "u", null))).isFalse();
  }

  @Test
  void theSameRecordReadAgainIsNotADuplicateOfItself() {
    DedupeMemory memory = new DedupeMemory(100);
    String first = DedupeMemory.position("jobs.requests.v1", 0, 7);
    assertThat(memory.checkAndRemember(request("j1", "alice", "k1"), first)).isFalse();
    // The partition came back before the request was committed: read again at offset 7.
    assertThat(memory.checkAndRemember(request("j1", "alice", "k1"), first)).isFalse();
    // A copy at another offset, by jobId or by idempotency key, is a duplicate.
    String later = DedupeMemory.position("jobs.requests.v1", 0, 9);
    assertThat(memory.checkAndRemember(request("j1", "alice", null), later)).isTrue();
    assertThat(memory.checkAndRemember(request("j2", "alice", "k1"), later)).isTrue();
    assertThat(memory.seen(request("j1", "alice", null))).isTrue();
  }
}
