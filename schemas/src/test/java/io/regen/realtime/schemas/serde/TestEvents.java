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
    return progress(jobId, seq, percent, 1);
  }

  /** A {@link JobProgress} event of run {@code attempt} of the job. */
  public static JobEvent progress(String jobId, long seq, int percent, int attempt) {
    return JobEvent.newBuilder()
        .setEventId("00000000-0000-0000-0000-00000000000" + (seq % 10))
        .setJobId(jobId)
        .setUserId("alice")
        .setSeq(seq)
        .setAttempt(attempt)
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
    return progressAs(v2, v1).set("traceId", traceId).build();
  }

  /**
   * The fields every released schema has of {@code event} (a {@link JobProgress} event), in a
   * record of {@code schema}, an older or newer {@code JobEvent} schema; a caller sets the fields
   * only its schema has.
   */
  public static GenericRecordBuilder progressAs(Schema schema, JobEvent event) {
    Schema payloadSchema =
        schema.getField("payload").schema().getTypes().stream()
            .filter(s -> s.getName().equals("JobProgress"))
            .findFirst()
            .orElseThrow();
    JobProgress progress = (JobProgress) event.getPayload();
    return new GenericRecordBuilder(schema)
        .set("eventId", event.getEventId())
        .set("jobId", event.getJobId())
        .set("userId", event.getUserId())
        .set("seq", event.getSeq())
        .set("occurredAt", event.getOccurredAt().toEpochMilli())
        .set("producer", event.getProducer())
        .set(
            "payload",
            new GenericRecordBuilder(payloadSchema)
                .set("percent", progress.getPercent())
                .set("message", progress.getMessage())
                .build());
  }
}
