package io.regen.realtime.streams;

import io.regen.realtime.events.JobRequestAction;
import io.regen.realtime.events.SessionKind;
import io.regen.realtime.schemas.serde.AvroBinarySerde;
import io.regen.realtime.streams.internal.ActivityKind;
import io.regen.realtime.streams.internal.UserActivity;
import io.regen.realtime.streams.internal.UserActivityProcessor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * DAU and session analytics (job metrics and model latency are fed by the job-state processor, see
 * {@link JobStateTopology}):
 *
 * <pre>
 * gateway.sessions.v1 (key userId) ─ to activity ─────────────┐
 * jobs.requests.v1 START (key jobId) ─ to activity, key userId ┴─ merge
 *   ─ repartition "user-activity-by-user" ─ user-activity processor
 *     [dau-users, dau-daily, sessions-daily, late-activity-records]
 * </pre>
 *
 * Both inputs go through one repartition topic so a user's activity always lands in one task,
 * whatever the partition counts of the two input topics.
 */
public final class AnalyticsTopology {
  private AnalyticsTopology() {}

  public static final String REPARTITION = "user-activity-by-user";

  public static void addTo(StreamsBuilder builder, InputStreams inputs, TopologySettings settings) {
    String[] activityStores =
        StoreBuilders.addTo(
            builder,
            settings,
            Stores.DAU_USERS,
            Stores.DAU_DAILY,
            Stores.SESSIONS_DAILY,
            Stores.LATE_ACTIVITY_RECORDS);

    KStream<String, UserActivity> sessions =
        inputs
            .sessions()
            .filter((userId, s) -> s != null, Named.as("sessions-non-null"))
            .map(
                (userId, s) ->
                    KeyValue.pair(
                        s.getUserId(),
                        new UserActivity(
                            s.getUserId(),
                            s.getKind() == SessionKind.STARTED
                                ? ActivityKind.SESSION_STARTED
                                : ActivityKind.SESSION_ENDED,
                            s.getAt().toEpochMilli(),
                            s.getDurationMs())),
                Named.as("sessions-to-activity"));
    KStream<String, UserActivity> requests =
        inputs
            .jobRequests()
            .filter(
                (jobId, r) -> r != null && r.getAction() == JobRequestAction.START,
                Named.as("job-requests-start-only"))
            .map(
                (jobId, r) ->
                    KeyValue.pair(
                        r.getUserId(),
                        new UserActivity(
                            r.getUserId(),
                            ActivityKind.JOB_REQUESTED,
                            r.getRequestedAt().toEpochMilli(),
                            null)),
                Named.as("job-requests-to-activity"));

    sessions
        .merge(requests, Named.as("user-activity-merge"))
        .repartition(
            Repartitioned.<String, UserActivity>with(
                    Serdes.String(), new AvroBinarySerde<>(UserActivity.class))
                .withName(REPARTITION))
        .process(
            () -> new UserActivityProcessor(settings.grace()),
            Named.as("user-activity-processor"),
            activityStores);
  }
}
