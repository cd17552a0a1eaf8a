package io.regen.realtime.streams;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.Topics;
import io.regen.realtime.streams.internal.JobAnalyticsProcessor;
import io.regen.realtime.streams.internal.JobFact;
import io.regen.realtime.streams.internal.JobInput;
import io.regen.realtime.streams.internal.JobStateProcessor;
import io.regen.realtime.streams.internal.PositionCapture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Job state, the jobs-by-user index and the job analytics, computed on the userId-keyed partitions
 * of {@code jobs.events.v1} (all events of a job share its user's key, hence one partition and one
 * task): events are not written to Kafka a second time. Only requests (one per job, key jobId) are
 * re-keyed by userId, through the small repartition topic {@code job-requests-by-user}, which has
 * as many partitions as {@code jobs.events.v1} so a user's requests meet the user's events:
 *
 * <pre>
 * jobs.events.v1 (key userId) ─ capture (partition, offset) ─────────────────────────────────┐
 * jobs.requests.v1 (key jobId) ─ key by userId ─ repartition "job-requests-by-user" ─ wrap ──┴─ merge
 *   ─ job-state processor [job-state, job-response-chunks, jobs-by-user, job-events-watermark]
 *   ─ job facts (started / first chunk / ended: in-task, never serialized)
 *   ─ job-analytics processor [job-metrics-hourly, job-metrics-daily, model-latency-hourly, late-job-records]
 * </pre>
 *
 * The job-state store is keyed by jobId but partitioned by userId: {@code queryMetadataForKey} must
 * be asked with the job's userId (see docs/queries.md).
 */
public final class JobStateTopology {
  private JobStateTopology() {}

  /** Name of the requests' repartition topic (prefixed by the application id, "-repartition"). */
  public static final String REQUESTS_REPARTITION = "job-requests-by-user";

  public static void addTo(StreamsBuilder builder, InputStreams inputs, TopologySettings settings) {
    String[] stateStores =
        StoreBuilders.addTo(
            builder,
            settings,
            Stores.JOB_STATE,
            Stores.JOB_RESPONSE_CHUNKS,
            Stores.JOBS_BY_USER,
            Stores.EVENTS_WATERMARK);
    String[] analyticsStores =
        StoreBuilders.addTo(
            builder,
            settings,
            Stores.JOB_METRICS_HOURLY,
            Stores.JOB_METRICS_DAILY,
            Stores.MODEL_LATENCY_HOURLY,
            Stores.LATE_JOB_RECORDS);

    KStream<String, JobInput> events =
        inputs
            .jobEvents()
            .processValues(PositionCapture::new, Named.as("job-events-capture-position"));
    Repartitioned<String, JobRequest> byUser =
        Repartitioned.with(Serdes.String(), settings.serdes().valueSerde(Topics.JOB_REQUESTS))
            .withName(REQUESTS_REPARTITION);
    if (settings.jobEventsPartitions() > 0) {
      byUser = byUser.withNumberOfPartitions(settings.jobEventsPartitions());
    }
    KStream<String, JobInput> requests =
        inputs
            .jobRequests()
            .filter((jobId, request) -> request != null, Named.as("job-requests-non-null"))
            .selectKey(
                (jobId, request) -> request.getUserId(), Named.as("job-requests-key-by-user"))
            .repartition(byUser)
            .mapValues(
                request -> (JobInput) new JobInput.Requested(request),
                Named.as("job-requests-wrap"));

    KStream<String, JobFact> facts =
        events
            .merge(requests, Named.as("job-inputs-merge"))
            .process(
                () -> new JobStateProcessor(settings),
                Named.as("job-state-processor"),
                stateStores);
    facts.process(
        () -> new JobAnalyticsProcessor(settings.grace()),
        Named.as("job-analytics-processor"),
        analyticsStores);
  }
}
