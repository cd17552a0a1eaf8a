package io.regen.realtime.streams;

import io.regen.realtime.streams.internal.JobAnalyticsProcessor;
import io.regen.realtime.streams.internal.JobFact;
import io.regen.realtime.streams.internal.JobInput;
import io.regen.realtime.streams.internal.JobInputSerde;
import io.regen.realtime.streams.internal.JobStateProcessor;
import io.regen.realtime.streams.internal.PositionCapture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Job state, the jobs-by-user index and the job analytics:
 *
 * <pre>
 * jobs.events.v1 (key userId) ─ capture (partition, offset) ─ key by jobId ─┐
 * jobs.requests.v1 (key jobId) ─ wrap ─────────────────────────────────────┴─ merge
 *   ─ repartition "job-inputs-by-job" ─ job-state processor [job-state, jobs-by-user, job-events-watermark]
 *   ─ job facts ─ job-analytics processor [job-metrics-hourly, job-metrics-daily, model-latency-hourly, late-job-records]
 * </pre>
 */
public final class JobStateTopology {
  private JobStateTopology() {}

  /** Name of the repartition topic (prefixed by the application id, suffixed "-repartition"). */
  public static final String REPARTITION = "job-inputs-by-job";

  public static void addTo(StreamsBuilder builder, InputStreams inputs, TopologySettings settings) {
    String[] stateStores =
        StoreBuilders.addTo(
            builder, settings, Stores.JOB_STATE, Stores.JOBS_BY_USER, Stores.EVENTS_WATERMARK);
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
            .processValues(PositionCapture::new, Named.as("job-events-capture-position"))
            .selectKey((userId, input) -> input.jobId(), Named.as("job-events-key-by-job"));
    KStream<String, JobInput> requests =
        inputs
            .jobRequests()
            .filter((jobId, request) -> request != null, Named.as("job-requests-non-null"))
            .map(
                (jobId, request) ->
                    org.apache.kafka.streams.KeyValue.pair(
                        request.getJobId(), (JobInput) new JobInput.Requested(request)),
                Named.as("job-requests-wrap"));

    KStream<String, JobFact> facts =
        events
            .merge(requests, Named.as("job-inputs-merge"))
            .repartition(
                Repartitioned.<String, JobInput>with(
                        Serdes.String(), new JobInputSerde(settings.serdes()))
                    .withName(REPARTITION))
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
