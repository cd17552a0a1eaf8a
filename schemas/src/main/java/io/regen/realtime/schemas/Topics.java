package io.regen.realtime.schemas;

import io.regen.realtime.events.JobEvent;
import io.regen.realtime.events.JobRequest;
import io.regen.realtime.events.SessionEvent;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic of the platform, typed. The only place topic names are written down. */
public final class Topics {
  private Topics() {}

  /** Job events from workers; key = userId, so all of a user's events share a partition. */
  public static final Topic<String, JobEvent> JOB_EVENTS =
      new Topic<>("jobs.events.v1", Serdes.String(), JobEvent.class);

  /** Job requests (start and cancel) from the gateway to workers; key = jobId. */
  public static final Topic<String, JobRequest> JOB_REQUESTS =
      new Topic<>("jobs.requests.v1", Serdes.String(), JobRequest.class);

  /** WebSocket session starts and ends, for analytics; key = userId. */
  public static final Topic<String, SessionEvent> GATEWAY_SESSIONS =
      new Topic<>("gateway.sessions.v1", Serdes.String(), SessionEvent.class);

  /**
   * Records a stream processor threw on (they decoded, but processing them failed): the source
   * record's raw key and value, with headers naming its topic, partition, offset, processor and
   * error. Kept so nothing is lost silently; see {@code docs/reliability.md}.
   */
  public static final Topic<byte[], byte[]> STREAMS_DEAD_LETTERS =
      new Topic<>("regen.streams.dead-letters.v1", Serdes.ByteArray(), byte[].class);

  /** The embedded schema registry's compacted log of schemas and config. */
  public static final String SCHEMAS = "_schemas";

  /** The platform's data topics, in the order they are created (see also {@link #provisioned}). */
  public static List<Topic<String, ?>> all() {
    return List.of(JOB_EVENTS, JOB_REQUESTS, GATEWAY_SESSIONS);
  }

  /** Every topic provisioning creates: the data topics and the dead-letter topic. */
  public static List<Topic<?, ?>> provisioned() {
    return List.of(JOB_EVENTS, JOB_REQUESTS, GATEWAY_SESSIONS, STREAMS_DEAD_LETTERS);
  }
}
