package io.regen.realtime.schemas.serde;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.avro.Schema;

/** Events and schemas shared by the serde tests. */
final class TestEvents {
  private TestEvents() {}

  static JobEvent progress(String jobId, long seq, int percent) {
    return JobEvent.newBuilder()
        .setEventId("00000000-0000-0000-0000-00000000000" + (seq % 10))
        .setJobId(jobId)
        .setUserId("alice")
        .setSeq(seq)
        .setOccurredAt(Instant.ofEpochMilli(1_700_000_000_000L + seq))
        .setProducer("worker-1")
        .setPayload(JobProgress.newBuilder().setPercent(percent).setMessage("step " + seq).build())
        .build();
  }

  /** JobEvent v2: v1 plus an optional {@code traceId} (src/test/resources/evolution). */
  static Schema jobEventV2() {
    try (InputStream in = TestEvents.class.getResourceAsStream("/evolution/job-event-v2.avsc")) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
