package io.regen.realtime.schemas.serde;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * Events and schemas shared by the serde tests and, through the schemas test-jar, the registry's
 * evolution IT.
 */
public final class TestEvents {
  private TestEvents() {}

  public static JobEvent progress(String jobId, long seq, int percent) {
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
  public static Schema jobEventV2() {
    try (InputStream in = TestEvents.class.getResourceAsStream("/evolution/job-event-v2.avsc")) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code v1} (a {@link JobProgress} event) as a record of the v2 schema, with {@code traceId}.
   */
  public static GenericRecord progressV2(Schema v2, JobEvent v1, String traceId) {
    Schema payloadSchema =
        v2.getField("payload").schema().getTypes().stream()
            .filter(s -> s.getName().equals("JobProgress"))
            .findFirst()
            .orElseThrow();
    JobProgress progress = (JobProgress) v1.getPayload();
    return new GenericRecordBuilder(v2)
        .set("eventId", v1.getEventId())
        .set("jobId", v1.getJobId())
        .set("userId", v1.getUserId())
        .set("seq", v1.getSeq())
        .set("occurredAt", v1.getOccurredAt().toEpochMilli())
        .set("producer", v1.getProducer())
        .set(
            "payload",
            new GenericRecordBuilder(payloadSchema)
                .set("percent", progress.getPercent())
                .set("message", progress.getMessage())
                .build())
        .set("traceId", traceId)
        .build();
  }
}
