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

  /** The embedded schema registry's compacted log of schemas and config. */
  public static final String SCHEMAS = "_schemas";

  /** The platform's data topics, in the order they are created. */
  public static List<Topic<String, ?>> all() {
    return List.of(JOB_EVENTS, JOB_REQUESTS, GATEWAY_SESSIONS);
  }
}
